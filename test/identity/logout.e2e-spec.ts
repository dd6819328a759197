import { call, randomIp } from '../harness/http.js';
import {
  bearer,
  current,
  INVALID_TOKEN,
  insforgeError,
  isClearingCookie,
  PASSWORD,
  refreshCookieOf,
  refreshMobile,
  signIn,
  signUp,
  webLogout,
  webRefresh,
} from './helpers.js';

const LOGGED_OUT = { success: true, message: 'Logged out successfully' };
const INVALID_CSRF = insforgeError(403, 'FORBIDDEN', 'Invalid CSRF token');

async function webSession() {
  const a = await signUp();
  return signIn(a.email, PASSWORD, { client: 'web' });
}

describe('POST /api/auth/logout: web (cookie + CSRF)', () => {
  it('200 {success, message}, the cookie is cleared, and the refresh token and access token are dead (ASVS 3.3.1)', async () => {
    const s = await webSession();
    const r = await webLogout(s.cookie, s.csrfToken);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(LOGGED_OUT);
    expect(isClearingCookie(refreshCookieOf(r.headers))).toBe(true);

    const again = await webRefresh(s.cookie, s.csrfToken);
    expect(again.status).toBe(401);
    expect(again.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token'));
    // the token in the body does not work either
    expect((await refreshMobile(s.cookie!)).status).toBe(401);
    const me = await current(s.accessToken);
    expect(me.status).toBe(401);
    expect(me.body).toEqual(INVALID_TOKEN);
  });

  it('a live cookie without X-CSRF-Token -> 403, and the session is not logged out', async () => {
    const s = await webSession();
    const r = await webLogout(s.cookie, undefined);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(INVALID_CSRF);
    expect(isClearingCookie(refreshCookieOf(r.headers))).toBe(false);
    expect((await current(s.accessToken)).status).toBe(200);
    expect((await webRefresh(s.cookie, s.csrfToken)).status).toBe(200);
  });

  it('a live cookie with a wrong X-CSRF-Token -> 403', async () => {
    const s = await webSession();
    const other = await webSession();
    for (const csrf of [other.csrfToken!, 'f'.repeat(64), 'nope']) {
      const r = await webLogout(s.cookie, csrf);
      expect(r.status).toBe(403);
      expect(r.body).toEqual(INVALID_CSRF);
    }
    expect((await current(s.accessToken)).status).toBe(200);
  });

  it('no cookie -> 200 (idempotent), and the cookie is cleared', async () => {
    const r = await webLogout(undefined, undefined);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(LOGGED_OUT);
    expect(isClearingCookie(refreshCookieOf(r.headers))).toBe(true);
  });

  it('a stale cookie (already logged out) -> 200 without CSRF, and the cookie is cleared', async () => {
    const s = await webSession();
    expect((await webLogout(s.cookie, s.csrfToken)).status).toBe(200);
    const r = await webLogout(s.cookie, undefined);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(LOGGED_OUT);
    expect(isClearingCookie(refreshCookieOf(r.headers))).toBe(true);
  });

  it('logs out only that session', async () => {
    const s = await webSession();
    const other = await signIn(s.email);
    expect((await webLogout(s.cookie, s.csrfToken)).status).toBe(200);
    expect((await current(other.accessToken)).status).toBe(200);
    expect((await refreshMobile(other.refreshToken!)).status).toBe(200);
  });
});

describe('POST /api/auth/logout: mobile', () => {
  const logout = (opts: { headers?: Record<string, string>; body?: unknown }) =>
    call('POST', '/api/auth/logout?client_type=mobile', { ...opts, ip: randomIp() });

  it("with the Bearer access token -> 200; that session's refresh token -> 401 and its access token -> 401", async () => {
    const a = await signUp();
    const other = await signIn(a.email);
    const r = await logout({ headers: bearer(a.accessToken) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(LOGGED_OUT);
    expect(r.headers.getSetCookie()).toEqual([]);
    const refresh = await refreshMobile(a.refreshToken!);
    expect(refresh.status).toBe(401);
    expect(refresh.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token'));
    expect((await current(a.accessToken)).status).toBe(401);
    // the user's other session is untouched
    expect((await refreshMobile(other.refreshToken!)).status).toBe(200);
  });

  it.each(['refresh_token', 'refreshToken'])('with {%s} in the body -> 200 and the session is revoked', async (field) => {
    const a = await signUp();
    const r = await logout({ body: { [field]: a.refreshToken } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(LOGGED_OUT);
    expect((await refreshMobile(a.refreshToken!)).status).toBe(401);
    expect((await current(a.accessToken)).status).toBe(401);
  });

  it('with a rotated refresh token in the body: the session (and its live token) is revoked', async () => {
    const a = await signUp();
    const next = (await refreshMobile(a.refreshToken!)).body.refreshToken as string;
    expect((await logout({ body: { refresh_token: a.refreshToken } })).status).toBe(200);
    expect((await refreshMobile(next)).status).toBe(401);
  });

  it('nothing, an unknown token or a bad bearer -> 200 (idempotent) and nothing else is revoked', async () => {
    const a = await signUp();
    for (const opts of [{}, { body: { refresh_token: 'f'.repeat(64) } }, { headers: bearer('garbage') }]) {
      const r = await logout(opts);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(LOGGED_OUT);
    }
    expect((await current(a.accessToken)).status).toBe(200);
  });

  it('logging out twice is fine', async () => {
    const a = await signUp();
    expect((await logout({ headers: bearer(a.accessToken) })).status).toBe(200);
    expect((await logout({ headers: bearer(a.accessToken) })).status).toBe(200);
  });
});
