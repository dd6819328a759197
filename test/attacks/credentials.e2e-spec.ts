import { randomBytes } from 'node:crypto';
import { ANON_KEY, E2E_API_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { bearer, current, PASSWORD, REFRESH_COOKIE, refreshMobile, signUp } from '../identity/helpers.js';
import { ADMIN_REFRESH_COOKIE, adminLogout, adminRefresh, adminSignIn, apiKeyHeaders } from '../admin/helpers.js';

/**
 * Hostile review: one kind of credential presented where another is expected. Every token of
 * ours is accepted only by the route family that issued it; a token of another kind is a 401 (or
 * InsForge's 403 for a user token on an admin route), never a session, never a 5xx.
 */
const webSignIn = (email: string) => call('POST', '/api/auth/sessions', { body: { email, password: PASSWORD }, ip: randomIp() });
const cookieOf = (r: { headers: Headers }, name: string) =>
  r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

async function gorbAccount() {
  const identifier = `rt_${randomBytes(5).toString('hex')}`;
  const r = await call('POST', '/v1/register', {
    body: { identifier, email: randomEmail('rt-gorb'), password: PASSWORD, device_name: 'Red team' },
    ip: randomIp(),
  });
  if (r.status !== 200) throw new Error(`register: ${r.status} ${r.text}`);
  return r.body as { access_token: string; refresh_token: string };
}

const ADMIN_ROUTE = '/api/auth/users?limit=1';
const USER_ROUTES: [string, string][] = [
  ['GET', '/api/auth/sessions/current'],
  ['PATCH', '/api/auth/profiles/current'],
  ['GET', '/v1/auth/devices'],
];

describe('refresh tokens of one kind at the other kind’s refresh route', () => {
  it("an admin refresh token is no user refresh token (body or cookie), and a user's is no admin's", async () => {
    const admin = await adminSignIn();
    expect((await refreshMobile(admin.cookie)).status).toBe(401);
    const asUserCookie = await call('POST', '/api/auth/refresh', {
      headers: { cookie: `${REFRESH_COOKIE}=${admin.cookie}`, 'x-csrf-token': admin.csrfToken },
      ip: randomIp(),
    });
    expect(asUserCookie.status).toBe(401);

    const user = await signUp();
    const web = await webSignIn(user.email);
    const userCookie = cookieOf(web, REFRESH_COOKIE)!;
    expect((await adminRefresh(userCookie, web.body.csrfToken)).status).toBe(401);
    expect((await adminRefresh(user.refreshToken!, undefined)).status).toBe(401);
    // Neither attempt spent or revoked the real tokens.
    expect((await adminRefresh(admin.cookie, admin.csrfToken)).status).toBe(200);
    expect((await refreshMobile(user.refreshToken!)).status).toBe(200);
  });

  it("an admin logout with a user's cookie ends nothing", async () => {
    const user = await signUp();
    const web = await webSignIn(user.email);
    const userCookie = cookieOf(web, REFRESH_COOKIE)!;
    const r = await adminLogout(userCookie, web.body.csrfToken);
    expect(r.status).toBeLessThan(500);
    expect((await current(web.body.accessToken)).status).toBe(200);
  });

  it('a Gorb refresh token is no InsForge one and an InsForge one no Gorb access token', async () => {
    const g = await gorbAccount();
    const u = await signUp();
    const gorbAtInsforge = await refreshMobile(g.refresh_token);
    const insforgeAtGorb = await call('GET', '/v1/auth/devices', { headers: bearer(u.refreshToken!) });
    expect(insforgeAtGorb.status).toBe(401);
    // Whatever the answer, it is no InsForge session made from a Gorb token.
    expect(gorbAtInsforge.body?.accessToken).toBeUndefined();
    expect(gorbAtInsforge.status).toBe(401);
  });
});

describe('access credentials at the wrong door', () => {
  it('an admin access token, an API key, the anon key and a Gorb token open no user route', async () => {
    const admin = await adminSignIn();
    const g = await gorbAccount();
    const kinds: Record<string, Record<string, string>> = {
      admin: bearer(admin.accessToken),
      apiKeyBearer: apiKeyHeaders(),
      apiKeyHeader: { 'x-api-key': E2E_API_KEY },
      anon: bearer(ANON_KEY),
    };
    for (const [method, path] of USER_ROUTES)
      for (const [kind, headers] of Object.entries(kinds)) {
        const r = await call(method, path, { headers, ip: randomIp(), body: method === 'PATCH' ? { profile: { bio: 'x' } } : undefined });
        expect([method, path, kind, r.status]).toEqual([method, path, kind, 401]);
      }
    expect((await call('GET', '/api/auth/sessions/current', { headers: bearer(g.access_token) })).status).toBe(401);
    const patch = await call('PATCH', '/api/auth/profiles/current', { headers: bearer(g.access_token), body: { profile: { bio: 'x' } } });
    expect(patch.status).toBe(401);
  });

  it('a user token is 403 at an admin route; the anon key, a Gorb token, an admin refresh token and a logged-out admin token are 401', async () => {
    const user = await signUp();
    const g = await gorbAccount();
    const admin = await adminSignIn();
    expect((await call('GET', ADMIN_ROUTE, { headers: bearer(user.accessToken) })).status).toBe(403);
    for (const token of [ANON_KEY, g.access_token, g.refresh_token, admin.cookie, user.refreshToken!])
      expect((await call('GET', ADMIN_ROUTE, { headers: bearer(token) })).status).toBe(401);
    expect((await call('GET', ADMIN_ROUTE, { headers: bearer(admin.accessToken) })).status).toBe(200);
    await adminLogout(admin.cookie, admin.csrfToken);
    expect((await call('GET', ADMIN_ROUTE, { headers: bearer(admin.accessToken) })).status).toBe(401);
    // The admin cookie is scoped to the admin routes.
    expect(admin.reply.headers.getSetCookie().find((c) => c.startsWith(`${ADMIN_REFRESH_COOKIE}=`))).toMatch(/Path=\/api\/auth\/admin/i);
  });

  it('sign-up with a user token gives no admin rights (no autoConfirm past disabled sign-ups)', async () => {
    const user = await signUp();
    const r = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email: randomEmail('rt-escalate'), password: PASSWORD },
      headers: bearer(user.accessToken),
      ip: randomIp(),
    });
    expect(r.status).toBe(200);
    expect(r.body.user.emailVerified).toBe(false);
  });
});
