import { Client } from 'pg';
import { DB_NAME, stackEnv } from './env.js';

/** Direct SQL on the e2e database, for arranging state a test cannot reach through the API. */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const env = stackEnv();
  const client = new Client({
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    database: DB_NAME,
  });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface AuthConfigPatch {
  require_email_verification?: boolean;
  verify_email_method?: 'code' | 'link';
  reset_password_method?: 'code' | 'link';
  allowed_redirect_urls?: string[];
  disable_signup?: boolean;
  password_min_length?: number;
}

/** Changes the singleton auth config (identity reads it on every request). */
export async function setAuthConfig(patch: AuthConfigPatch): Promise<void> {
  const keys = Object.keys(patch);
  if (!keys.length) return;
  const sets = keys.map((k, i) => `"${k}" = $${i + 1}`).join(', ');
  await sql(`UPDATE identity.auth_config SET ${sets}, updated_at = now() WHERE id = 1`, Object.values(patch));
}

export const DEFAULT_AUTH_CONFIG: AuthConfigPatch = {
  require_email_verification: false,
  verify_email_method: 'code',
  reset_password_method: 'code',
  allowed_redirect_urls: [],
  disable_signup: false,
  password_min_length: 8,
};
