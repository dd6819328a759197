import { randomBytes } from 'node:crypto';
import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';
import { type Account, INVALID_TOKEN, NO_TOKEN, PASSWORD, signUp } from './helpers.js';

/**
 * One Bearer parser for the platform: `Authorization` is the scheme `Bearer` (any case), one
 * space and one token. Every header below carries a live, valid token, so a 401 can only come
 * from the parser refusing the header around it: identity's InsForge routes, the Gorb guard and
 * the profiles app all answer 401 AUTH_UNAUTHORIZED (Gorb: `{message}`).
 */
const malformed = (token: string): Record<string, string> => ({
  'a second token': `Bearer ${token} ${token}`,
  'trailing words': `Bearer ${token} anything`,
  'two spaces': `Bearer  ${token}`,
  'a tab': `Bearer\t${token}`,
  'a comma list': `Bearer ${token},Bearer ${token}`,
  'a quote': `Bearer "${token}"`,
  'no scheme': token,
  'another scheme': `Basic ${token}`,
  'a glued scheme': `Bearer${token}`,
  'scheme only': 'Bearer',
  'over 4 KiB': `Bearer ${token}${'A'.repeat(4096)}`,
});
const wellFormed = (token: string) => [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`];

describe('Authorization: Bearer is exactly one scheme and one token', () => {
  let account: Account;
  beforeAll(async () => {
    account = await signUp({ client: 'mobile' });
  });

  it.each(Object.keys(malformed('t')))('InsForge access-token routes: %s -> 401 AUTH_UNAUTHORIZED', async (kind) => {
    const authorization = malformed(account.accessToken)[kind]!;
    for (const [method, path] of [
      ['GET', '/api/auth/sessions/current'],
      ['GET', '/api/auth/sessions'],
      ['DELETE', '/api/auth/sessions?scope=others'],
    ] as const) {
      const r = await call(method, path, { headers: { authorization } });
      expect([path, r.status, r.body]).toEqual([path, 401, INVALID_TOKEN]);
    }
  });

  it('the same token, well formed, in any case of the scheme, is accepted', async () => {
    for (const authorization of wellFormed(account.accessToken)) {
      const r = await call('GET', '/api/auth/sessions/current', { headers: { authorization } });
      expect(r.status).toBe(200);
      expect(r.body.user.id).toBe(account.userId);
    }
  });

  it('no header, or an empty one, is still "No token provided"', async () => {
    expect((await call('GET', '/api/auth/sessions/current')).body).toEqual(NO_TOKEN);
    expect((await call('GET', '/api/auth/sessions/current', { headers: { authorization: '' } })).body).toEqual(NO_TOKEN);
  });

  it.each(Object.keys(malformed('t')))('sign-up with the anon key: %s -> 401, and no account', async (kind) => {
    const email = randomEmail('bearer');
    const r = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email, password: PASSWORD },
      headers: { authorization: malformed(ANON_KEY)[kind]! },
      ip: randomIp(),
    });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
    const signIn = await call('POST', '/api/auth/sessions?client_type=mobile', { body: { email, password: PASSWORD }, ip: randomIp() });
    expect(signIn.status).toBe(401);
  });

  it('logout with a malformed header is 401 and revokes nothing; well formed, it revokes the session', async () => {
    const other = await signUp({ client: 'mobile' });
    for (const authorization of Object.values(malformed(other.accessToken))) {
      const r = await call('POST', '/api/auth/logout?client_type=mobile', { headers: { authorization }, ip: randomIp() });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
    expect((await call('GET', '/api/auth/sessions/current', { headers: { authorization: `Bearer ${other.accessToken}` } })).status).toBe(
      200,
    );
    const ok = await call('POST', '/api/auth/logout?client_type=mobile', { headers: { authorization: `bearer ${other.accessToken}` } });
    expect(ok.status).toBe(200);
    expect((await call('GET', '/api/auth/sessions/current', { headers: { authorization: `Bearer ${other.accessToken}` } })).status).toBe(
      401,
    );
  });

  it('Gorb: a live opaque token in a malformed header -> 401 {message}', async () => {
    const identifier = `b_${randomBytes(5).toString('hex')}`;
    const reg = await call('POST', '/v1/register', {
      body: { identifier, email: randomEmail('gorb-bearer'), password: PASSWORD, device_name: 'Pixel' },
      ip: randomIp(),
    });
    expect(reg.status).toBe(200);
    const token = reg.body.access_token as string;
    for (const [kind, authorization] of Object.entries(malformed(token))) {
      const r = await call('GET', '/v1/auth/devices', { headers: { authorization } });
      expect([kind, r.status, r.body]).toEqual([kind, 401, { message: 'Invalid access token' }]);
    }
    for (const authorization of wellFormed(token)) {
      expect((await call('GET', '/v1/auth/devices', { headers: { authorization } })).status).toBe(200);
    }
    expect((await call('GET', '/v1/auth/devices')).body).toEqual({ message: 'Missing access token' });
  });

  it('profiles: a malformed header -> 401 and the profile is untouched', async () => {
    for (const [kind, authorization] of Object.entries(malformed(account.accessToken))) {
      const r = await call('PATCH', '/api/auth/profiles/current', {
        body: { profile: { name: `Mallory ${kind}` } },
        headers: { authorization },
      });
      expect([kind, r.status, r.body]).toEqual([kind, 401, INVALID_TOKEN]);
    }
    const ok = await call('PATCH', '/api/auth/profiles/current', {
      body: { profile: { name: 'Bearer Ok' } },
      headers: { authorization: `bearer ${account.accessToken}` },
    });
    expect(ok.status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/api/auth/profiles/${account.userId}`)).body?.profile?.name === 'Bearer Ok',
      20_000,
      'the patched profile',
    );
  });
});
