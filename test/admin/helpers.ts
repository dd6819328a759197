import { sql } from '../harness/db.js';
import { ANON_KEY, E2E_API_KEY, ROOT_ADMIN } from '../harness/env.js';
import { randomIp } from '../harness/http.js';
import { insforgeError, parseSetCookie, rawFetch, type RawReply, type SetCookie } from '../identity/helpers.js';

export { E2E_API_KEY, ROOT_ADMIN };

export const ADMIN_REFRESH_COOKIE = 'insforge_admin_refresh_token';

/** AdminGuard's answers (InsForge's verifyAdmin), exactly. */
export const NO_ADMIN_TOKEN = insforgeError(
  401,
  'AUTH_INVALID_CREDENTIALS',
  'No admin token provided',
  'Check the token is valid or login to get a new token.',
);
export const ADMIN_REQUIRED = insforgeError(
  403,
  'AUTH_UNAUTHORIZED',
  'Admin access required',
  'Check the admin token is valid or login as admin to get a new token.',
);
export const INVALID_API_KEY = insforgeError(
  401,
  'AUTH_INVALID_API_KEY',
  'Invalid API key',
  'Check the API key is valid or generate a new API key.',
);

/** Headers that carry the tests' API key (the stored one global setup made). */
export const apiKeyHeaders = (key = E2E_API_KEY) => ({ authorization: `Bearer ${key}` });

export interface AdminSession {
  accessToken: string;
  csrfToken: string;
  /** the admin refresh cookie's value */
  cookie: string;
  sub: string;
  reply: RawReply;
}

export const adminCookieOf = (headers: Headers): SetCookie | undefined =>
  headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((c) => c.name === ADMIN_REFRESH_COOKIE);

/** `POST /api/auth/admin/sessions`; the raw reply. */
export function adminSignInRaw(body: unknown, ip = randomIp()): Promise<RawReply> {
  return rawFetch('/api/auth/admin/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ip,
  });
}

/** Signs in as the stack's admin; throws unless 200. */
export async function adminSignIn(ip = randomIp()): Promise<AdminSession> {
  const r = await adminSignInRaw(ROOT_ADMIN, ip);
  if (r.status !== 200) throw new Error(`admin sign-in failed: ${r.status} ${r.text}`);
  return {
    accessToken: r.body.accessToken,
    csrfToken: r.body.csrfToken,
    cookie: adminCookieOf(r.headers)!.value,
    sub: r.body.admin.sub,
    reply: r,
  };
}

/** `POST /api/auth/admin/refresh` with the cookie and CSRF header as a browser would send them. */
export function adminRefresh(cookie: string | undefined, csrf: string | undefined, ip = randomIp()): Promise<RawReply> {
  const headers = new Headers();
  if (cookie !== undefined) headers.set('cookie', `${ADMIN_REFRESH_COOKIE}=${cookie}`);
  if (csrf !== undefined) headers.set('x-csrf-token', csrf);
  return rawFetch('/api/auth/admin/refresh', { method: 'POST', headers, ip });
}

export function adminLogout(cookie: string | undefined, csrf: string | undefined, ip = randomIp()): Promise<RawReply> {
  const headers = new Headers();
  if (cookie !== undefined) headers.set('cookie', `${ADMIN_REFRESH_COOKIE}=${cookie}`);
  if (csrf !== undefined) headers.set('x-csrf-token', csrf);
  return rawFetch('/api/auth/admin/logout', { method: 'POST', headers, ip });
}

/** Puts the stack's anon key back as the only active one, after a test rotated it (other suites sign up with it). */
export async function restoreAnonKey(): Promise<void> {
  await sql(`DELETE FROM identity.anon_keys WHERE key <> $1`, [ANON_KEY]);
  await sql(`UPDATE identity.anon_keys SET expires_at = NULL WHERE key = $1`, [ANON_KEY]);
}
