import { Injectable } from '@nestjs/common';
import type { PublicAuthConfig } from '@app/contracts';
import { type Queryable, Sql, type Tx } from '@app/core';

/** The singleton row of auth settings: public-config's policy (its OAuth lists come from the provider configs) plus the redirect allow-list. */
export interface AuthConfig extends Omit<PublicAuthConfig, 'oAuthProviders' | 'customOAuthProviders'> {
  id: number;
  /** the row's public id (the admin API's `id`) */
  uid: string;
  allowedRedirectUrls: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The settings an admin may change (the request DTO has validated every value). */
export type AuthConfigPatch = Partial<Omit<AuthConfig, 'id' | 'uid' | 'createdAt' | 'updatedAt'>>;

const COLUMNS = `id, uid, require_email_verification AS "requireEmailVerification", password_min_length AS "passwordMinLength",
  require_number AS "requireNumber", require_lowercase AS "requireLowercase", require_uppercase AS "requireUppercase",
  require_special_char AS "requireSpecialChar", verify_email_method AS "verifyEmailMethod",
  reset_password_method AS "resetPasswordMethod", allowed_redirect_urls AS "allowedRedirectUrls",
  disable_signup AS "disableSignup", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Field -> column of the patchable settings: the only names an UPDATE is built from. */
const PATCHABLE: Readonly<Record<keyof AuthConfigPatch, string>> = Object.freeze({
  requireEmailVerification: 'require_email_verification',
  passwordMinLength: 'password_min_length',
  requireNumber: 'require_number',
  requireLowercase: 'require_lowercase',
  requireUppercase: 'require_uppercase',
  requireSpecialChar: 'require_special_char',
  verifyEmailMethod: 'verify_email_method',
  resetPasswordMethod: 'reset_password_method',
  allowedRedirectUrls: 'allowed_redirect_urls',
  disableSignup: 'disable_signup',
});

const noRow = () => new Error('identity.auth_config has no row: run the migrations');

@Injectable()
export class AuthConfigRepository {
  constructor(private readonly sql: Sql) {}

  /** The singleton row (the migration creates it); read on every sign-up and sign-in, so prepared. */
  async get(q: Queryable = this.sql): Promise<AuthConfig> {
    const [row] = await q.query<AuthConfig>('auth-config', `SELECT ${COLUMNS} FROM identity.auth_config WHERE id = 1`);
    if (!row) throw noRow();
    return row;
  }

  /** The fields `patch` names (undefined and null leave a setting as it is); the row as it is after. */
  async update(tx: Tx, patch: AuthConfigPatch): Promise<{ row: AuthConfig; fields: (keyof AuthConfigPatch)[] }> {
    const fields = (Object.keys(PATCHABLE) as (keyof AuthConfigPatch)[]).filter((k) => patch[k] !== undefined && patch[k] !== null);
    if (!fields.length) return { row: await this.get(tx), fields };
    const sets = fields.map((k, i) => `${PATCHABLE[k]} = $${i + 1}`).join(', ');
    // One prepared statement per set of fields (a handful in practice).
    const [row] = await tx.query<AuthConfig>(
      `auth-config-update:${fields.join(',')}`,
      `UPDATE identity.auth_config SET ${sets}, updated_at = now() WHERE id = 1 RETURNING ${COLUMNS}`,
      fields.map((k) => patch[k]),
    );
    if (!row) throw noRow();
    return { row, fields };
  }
}
