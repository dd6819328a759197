import { ANON_KEY } from '../harness/env.js';
import { call, randomIp } from '../harness/http.js';
import { bearer, INVALID_TOKEN, signUp } from '../identity/helpers.js';
import { ADMIN_REQUIRED, adminLogout, adminSignIn, apiKeyHeaders, E2E_API_KEY, INVALID_API_KEY, NO_ADMIN_TOKEN } from './helpers.js';

/**
 * AdminGuard on one admin route (POST /api/auth/tokens/anon): each kind of credential gets
 * InsForge's exact answer. test/admin/authorization.e2e-spec.ts walks every admin route.
 */
const ROUTE = '/api/auth/tokens/anon';
const anon = (headers?: Record<string, string>) => call('POST', ROUTE, { headers, ip: randomIp() });
// The active anon key (credentials.e2e-spec rotates it, and puts it back).
const OK = {
  accessToken: expect.stringMatching(/^anon_[0-9a-f]{64}$/),
  message: 'Anon key retrieved successfully (deprecated route, use GET /api/metadata/anon-key)',
};

describe('AdminGuard', () => {
  it('no credential: 401 "No admin token provided"', async () => {
    expect(await anon()).toMatchObject({ status: 401, body: NO_ADMIN_TOKEN });
    expect(await anon({ authorization: '' })).toMatchObject({ status: 401, body: NO_ADMIN_TOKEN });
  });

  it('a user access token: 403 "Admin access required"', async () => {
    const user = await signUp();
    expect(await anon(bearer(user.accessToken))).toMatchObject({ status: 403, body: ADMIN_REQUIRED });
  });

  it('the anon key, a forged or garbage token, a malformed header: 401 "Invalid token"', async () => {
    const user = await signUp();
    const [h, p] = user.accessToken.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'local:admin', role: 'project_admin' })).toString('base64url')}.${p}`;
    for (const authorization of [
      `Bearer ${ANON_KEY}`,
      `Bearer ${forged}`,
      'Bearer abc',
      `Basic ${E2E_API_KEY}`,
      `Bearer ${E2E_API_KEY} x`,
    ]) {
      expect([authorization, await anon({ authorization })]).toMatchObject([authorization, { status: 401, body: INVALID_TOKEN }]);
    }
  });

  it('a wrong API key, as Bearer or x-api-key, of any shape: 401 AUTH_INVALID_API_KEY', async () => {
    const wrong = 'ik_' + 'f'.repeat(64);
    for (const headers of [
      apiKeyHeaders(wrong),
      { 'x-api-key': wrong },
      { 'x-api-key': 'not-a-key' },
      { 'x-api-key': E2E_API_KEY.toUpperCase() },
      apiKeyHeaders('ik_'),
      apiKeyHeaders(E2E_API_KEY + '0'),
      { 'x-api-key': `${E2E_API_KEY},${E2E_API_KEY}` },
    ]) {
      expect([headers, await anon(headers)]).toMatchObject([headers, { status: 401, body: INVALID_API_KEY }]);
    }
  });

  it('x-api-key counts when the Bearer is not an API key; a Bearer API key comes first', async () => {
    // InsForge: Bearer ik_… first, else x-api-key; a user token in Authorization does not hide x-api-key.
    const user = await signUp();
    expect(await anon({ ...bearer(user.accessToken), 'x-api-key': E2E_API_KEY })).toMatchObject({ status: 200, body: OK });
    expect(await anon({ ...apiKeyHeaders('ik_' + '1'.repeat(64)), 'x-api-key': E2E_API_KEY })).toMatchObject({
      status: 401,
      body: INVALID_API_KEY,
    });
  });

  it('a valid API key, as Bearer or x-api-key: the result', async () => {
    expect(await anon(apiKeyHeaders())).toMatchObject({ status: 200, body: OK });
    expect(await anon({ 'x-api-key': E2E_API_KEY })).toMatchObject({ status: 200, body: OK });
  });

  it('an admin access token: the result, until its session is logged out', async () => {
    const admin = await adminSignIn();
    expect(await anon(bearer(admin.accessToken))).toMatchObject({ status: 200, body: OK });
    expect((await adminLogout(admin.cookie, admin.csrfToken)).status).toBe(200);
    expect(await anon(bearer(admin.accessToken))).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });

  it('an admin token is no user token: user routes refuse it', async () => {
    const admin = await adminSignIn();
    const r = await call('GET', '/api/auth/sessions/current', { headers: bearer(admin.accessToken) });
    expect(r).toMatchObject({ status: 401, body: INVALID_TOKEN });
    const p = await call('PATCH', '/api/auth/profiles/current', { headers: bearer(admin.accessToken), body: { profile: { name: 'x' } } });
    expect(p).toMatchObject({ status: 401, body: INVALID_TOKEN });
  });
});
