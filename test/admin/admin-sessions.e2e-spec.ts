import { call, randomIp } from '../harness/http.js';
import { sql } from '../harness/db.js';
import {
  bearer,
  HEX64,
  INVALID_TOKEN,
  insforgeError,
  NO_TOKEN,
  refreshMobile,
  signUp,
  webLogout,
  webRefresh,
  REFRESH_COOKIE,
} from '../identity/helpers.js';
import { adminCookieOf, adminLogout, adminRefresh, adminSignIn, adminSignInRaw, apiKeyHeaders, ROOT_ADMIN } from './helpers.js';

const INVALID_ADMIN = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid admin credentials');
const INVALID_REFRESH = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');
const INVALID_CSRF = insforgeError(403, 'FORBIDDEN', 'Invalid CSRF token');
const currentAdmin = (token: string) => call('GET', '/api/auth/admin/sessions/current', { headers: bearer(token) });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('admin sessions', () => {
  it('sign-in: admin, access token with role project_admin, csrfToken, the cookie on /api/auth/admin', async () => {
    const s = await adminSignIn();
    expect(s.reply.body).toEqual({
      admin: { sub: `local:${ROOT_ADMIN.username}` },
      accessToken: expect.any(String),
      csrfToken: expect.stringMatching(HEX64),
    });
    expect(claimsOf(s.accessToken)).toMatchObject({ sub: `local:${ROOT_ADMIN.username}`, role: 'project_admin', sid: expect.any(String) });
    const cookie = adminCookieOf(s.reply.headers)!;
    expect(cookie.value).toMatch(HEX64);
    expect(cookie.attrs).toMatchObject({ path: '/api/auth/admin', httponly: true, secure: true });
    // Only the admin cookie: the user refresh cookie is never set here.
    expect(s.reply.headers.getSetCookie().filter((c) => c.startsWith(`${REFRESH_COOKIE}=`))).toEqual([]);
    expect(await currentAdmin(s.accessToken)).toMatchObject({ status: 200, body: { admin: { sub: `local:${ROOT_ADMIN.username}` } } });
  });

  it('the username is trimmed; a wrong username or password is 401 "Invalid admin credentials", no cookie', async () => {
    expect((await adminSignInRaw({ ...ROOT_ADMIN, username: `  ${ROOT_ADMIN.username} ` })).status).toBe(200);
    for (const body of [
      { ...ROOT_ADMIN, password: ROOT_ADMIN.password + 'x' },
      { ...ROOT_ADMIN, password: ROOT_ADMIN.password.slice(0, -1) },
      { ...ROOT_ADMIN, username: ROOT_ADMIN.username.toUpperCase() },
      { username: 'admin', password: 'change-this-password' },
    ]) {
      const r = await adminSignInRaw(body);
      expect([body, r.status, r.body]).toEqual([body, 401, INVALID_ADMIN]);
      expect(adminCookieOf(r.headers)).toBeUndefined();
    }
  });

  it('bad input is a 400 in the InsForge shape, never a 500: missing fields, wrong types, NUL bytes, oversize', async () => {
    for (const body of [
      {},
      { username: ROOT_ADMIN.username },
      { password: ROOT_ADMIN.password },
      { username: '   ', password: 'x' },
      { username: 1, password: ROOT_ADMIN.password },
      { username: ROOT_ADMIN.username, password: ['x'] },
      { username: `${ROOT_ADMIN.username}\u0000`, password: ROOT_ADMIN.password },
      { username: ROOT_ADMIN.username, password: `${ROOT_ADMIN.password}\u0000` },
      { username: 'a'.repeat(101), password: 'x' },
      { username: ROOT_ADMIN.username, password: 'x'.repeat(4097) },
    ]) {
      const r = await adminSignInRaw(body);
      expect([body, r.status, r.body.error, r.body.statusCode]).toEqual([body, 400, 'INVALID_INPUT', 400]);
    }
  });

  it('brute force: 5 failures from one address lock it out (429) even for the right password; another address still signs in', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect((await adminSignInRaw({ ...ROOT_ADMIN, password: `guess-${i}-000000` }, ip)).status).toBe(401);
    const locked = await adminSignInRaw(ROOT_ADMIN, ip);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: 'TOO_MANY_REQUESTS', statusCode: 429 });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await adminSignInRaw(ROOT_ADMIN)).status).toBe(200);
  });

  it('sessions/current: no token 401, a user token 403, an API key 401, a logged-out admin token 401', async () => {
    expect(await call('GET', '/api/auth/admin/sessions/current')).toMatchObject({ status: 401, body: NO_TOKEN });
    const user = await signUp();
    expect(await currentAdmin(user.accessToken)).toMatchObject({
      status: 403,
      body: insforgeError(403, 'AUTH_UNAUTHORIZED', 'Admin access required'),
    });
    expect(await call('GET', '/api/auth/admin/sessions/current', { headers: apiKeyHeaders() })).toMatchObject({
      status: 401,
      body: INVALID_TOKEN,
    });
    const s = await adminSignIn();
    await adminLogout(s.cookie, s.csrfToken);
    expect(await currentAdmin(s.accessToken)).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });

  it('refresh: cookie + CSRF rotate the token; the CSRF token stays; the new access token works', async () => {
    const s = await adminSignIn();
    const r = await adminRefresh(s.cookie, s.csrfToken);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ admin: { sub: s.sub }, accessToken: expect.any(String), csrfToken: s.csrfToken });
    const next = adminCookieOf(r.headers)!;
    expect(next.value).toMatch(HEX64);
    expect(next.value).not.toBe(s.cookie);
    expect(next.attrs.path).toBe('/api/auth/admin');
    expect((await currentAdmin(r.body.accessToken)).status).toBe(200);
    expect((await adminRefresh(next.value, s.csrfToken)).status).toBe(200);
  });

  it('refresh without the cookie, without or with a wrong CSRF token, or with two CSRF headers fails', async () => {
    const s = await adminSignIn();
    const none = await adminRefresh(undefined, s.csrfToken);
    expect(none).toMatchObject({ status: 401, body: insforgeError(401, 'AUTH_UNAUTHORIZED', 'No admin refresh token provided') });
    expect(adminCookieOf(none.headers)?.value).toBe('');
    for (const csrf of [undefined, '', 'x', s.csrfToken.replace(/.$/, (c) => (c === '0' ? '1' : '0')), `${s.csrfToken}, ${s.csrfToken}`]) {
      expect([csrf, await adminRefresh(s.cookie, csrf)]).toMatchObject([csrf, { status: 403, body: INVALID_CSRF }]);
    }
    // The CSRF failures did not rotate or end the session.
    expect((await adminRefresh(s.cookie, s.csrfToken)).status).toBe(200);
  });

  it('refresh-token reuse after the grace window revokes the admin session and its access tokens', async () => {
    const s = await adminSignIn();
    const first = await adminRefresh(s.cookie, s.csrfToken);
    expect(first.status).toBe(200);
    // Past the grace window: the rotated token's rotation is moved into the past.
    await sql(
      `UPDATE identity.admin_refresh_tokens SET rotated_at = now() - interval '1 hour' WHERE rotated_at IS NOT NULL AND session_id = (
      SELECT session_id FROM identity.admin_refresh_tokens WHERE token_hash = sha256($1::bytea))`,
      [Buffer.from(s.cookie)],
    );
    const replay = await adminRefresh(s.cookie, s.csrfToken);
    expect(replay).toMatchObject({ status: 401, body: INVALID_REFRESH });
    expect(adminCookieOf(replay.headers)?.value).toBe('');
    expect(await adminRefresh(adminCookieOf(first.headers)!.value, s.csrfToken)).toMatchObject({ status: 401, body: INVALID_REFRESH });
    expect(await currentAdmin(first.body.accessToken)).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });

  it('a replay inside the grace window gets the same successor (two dashboard tabs)', async () => {
    const s = await adminSignIn();
    const [a, b] = await Promise.all([adminRefresh(s.cookie, s.csrfToken), adminRefresh(s.cookie, s.csrfToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(adminCookieOf(a.headers)!.value).toBe(adminCookieOf(b.headers)!.value);
  });

  it('a user refresh token is no admin refresh token, and an admin one is no user one', async () => {
    const web = await signUp({ client: 'web' });
    expect(await adminRefresh(web.cookie, web.csrfToken)).toMatchObject({ status: 401, body: INVALID_REFRESH });
    const mobile = await signUp({ client: 'mobile' });
    expect(await adminRefresh(mobile.refreshToken, undefined)).toMatchObject({ status: 401 });
    const admin = await adminSignIn();
    expect(await webRefresh(admin.cookie, admin.csrfToken)).toMatchObject({ status: 401, body: INVALID_REFRESH });
    expect(await refreshMobile(admin.cookie)).toMatchObject({ status: 401, body: INVALID_REFRESH });
    // User logout with an admin cookie value does nothing to the admin session.
    expect((await webLogout(admin.cookie, admin.csrfToken)).status).toBe(200);
    expect((await adminRefresh(admin.cookie, admin.csrfToken)).status).toBe(200);
    // ...and the user sessions were not touched by any of this.
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(200);
  });

  it('logout: a live cookie needs its CSRF token; then the session ends; stale or absent cookies are cleared (200)', async () => {
    const s = await adminSignIn();
    expect(await adminLogout(s.cookie, undefined)).toMatchObject({ status: 403, body: INVALID_CSRF });
    expect((await currentAdmin(s.accessToken)).status).toBe(200);
    const out = await adminLogout(s.cookie, s.csrfToken);
    expect(out).toMatchObject({ status: 200, body: { success: true, message: 'Logged out successfully' } });
    const cleared = adminCookieOf(out.headers)!;
    expect([cleared.value, cleared.attrs.path, cleared.attrs['max-age']]).toEqual(['', '/api/auth/admin', '0']);
    expect(await adminRefresh(s.cookie, s.csrfToken)).toMatchObject({ status: 401, body: INVALID_REFRESH });
    expect((await adminLogout(s.cookie, undefined)).status).toBe(200);
    expect((await adminLogout(undefined, undefined)).status).toBe(200);
    expect((await adminLogout('x'.repeat(64), undefined)).status).toBe(200);
    const [row] = await sql<{ revoked_reason: string }>(
      `SELECT s.revoked_reason FROM identity.admin_sessions s JOIN identity.admin_refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = sha256($1::bytea)`,
      [Buffer.from(s.cookie)],
    );
    expect(row).toEqual({ revoked_reason: 'logout' });
  });

  it('hostile refresh cookies (NUL, percent-encoded bytes, oversize, wrong shape) are a 4xx (401 clears the cookie), never a 5xx', async () => {
    const s = await adminSignIn();
    // A NUL is refused at the edge of the app (400 INVALID_INPUT, as for every input); the rest reach the route.
    for (const [cookie, status] of [
      ['%00', 400],
      [`${s.cookie.slice(0, 63)}%00`, 400],
      ['%ff%fe', 401],
      ['x'.repeat(3000), 401],
      [s.cookie.toUpperCase(), 401],
    ] as const) {
      const r = await adminRefresh(cookie, s.csrfToken);
      expect([cookie.slice(0, 20), r.status, r.body.error]).toEqual([
        cookie.slice(0, 20),
        status,
        status === 400 ? 'INVALID_INPUT' : 'AUTH_UNAUTHORIZED',
      ]);
      if (status === 401) expect(adminCookieOf(r.headers)?.value).toBe('');
    }
    for (const csrf of ['%00', `${s.csrfToken.slice(0, 63)}g`, 'é']) {
      expect([csrf, (await adminRefresh(s.cookie, csrf)).status]).toEqual([csrf, 403]);
    }
  });

  it('stores no usable token: refresh tokens only as SHA-256', async () => {
    const s = await adminSignIn();
    const rows = await sql(`SELECT token_hash FROM identity.admin_refresh_tokens WHERE token_hash = sha256($1::bytea)`, [
      Buffer.from(s.cookie),
    ]);
    expect(rows).toHaveLength(1);
    const leaked = await sql(`SELECT 1 FROM identity.admin_sessions WHERE csrf_nonce = $1 OR subject = $1`, [s.cookie]);
    expect(leaked).toEqual([]);
  });
});
