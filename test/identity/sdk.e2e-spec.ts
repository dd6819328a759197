import { createClient } from '@insforge/sdk';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { randomEmail, randomIp } from '../harness/http.js';
import { current, HEX64, PASSWORD, refreshMobile, sidOf } from './helpers.js';

// The SDK's CommonJS build requires `@insforge/shared-schemas`, an ESM-only package whose exports
// map has only an "import" condition, so Jest's CommonJS resolver cannot find it by name. Point the
// name at the package's real entry file (Jest then loads it through require(esm)): the real module,
// not a mock.
jest.mock(
  '@insforge/shared-schemas',
  () => jest.requireActual(require('node:path').join(__dirname, '../../node_modules/@insforge/shared-schemas/dist/index.js')),
  { virtual: true },
);

/**
 * The real `@insforge/sdk` (1.5.2) in Node, as the as-built spec recommends: server mode (refresh
 * token in the body, `?client_type=mobile`), our anon key, and an address of its own per client.
 * Jest runs the suites as CommonJS, so this loads the SDK's CommonJS build (dist/index.js).
 */
const sdk = (extra: { accessToken?: string } = {}) =>
  createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers: { 'x-forwarded-for': randomIp() }, ...extra });

describe('@insforge/sdk against the platform', () => {
  it('signUp, signInWithPassword, getCurrentUser, refreshSession, signOut', async () => {
    const email = randomEmail('sdk');
    const client = sdk();

    const up = await client.auth.signUp({ email, password: PASSWORD, name: 'SDK User' });
    expect(up.error).toBeNull();
    expect(up.data).toEqual(
      expect.objectContaining({
        accessToken: expect.any(String),
        requireEmailVerification: false,
        refreshToken: expect.stringMatching(HEX64),
        user: expect.objectContaining({ email, profile: { name: 'SDK User' }, emailVerified: false }),
      }),
    );

    const signIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    const session = signIn.data!;
    expect(session.user.email).toBe(email);
    expect(session.user.id).toBe(up.data!.user!.id);
    expect(session.accessToken).toEqual(expect.any(String));
    const refreshToken = (session as { refreshToken?: string }).refreshToken;
    expect(refreshToken).toMatch(HEX64);

    // a client built with the access token asks /api/auth/sessions/current
    const authed = sdk({ accessToken: session.accessToken });
    const me = await authed.auth.getCurrentUser();
    expect(me.error).toBeNull();
    expect(me.data.user?.id).toBe(session.user.id);
    expect(me.data.user?.email).toBe(email);

    // refreshSession({refreshToken}) sends {refresh_token} to ?client_type=mobile
    const refreshed = await client.auth.refreshSession({ refreshToken });
    expect(refreshed.error).toBeNull();
    const next = refreshed.data as { accessToken: string; refreshToken?: string; user: { id: string } };
    expect(next.accessToken).toEqual(expect.any(String));
    expect(next.user.id).toBe(session.user.id);
    expect(next.refreshToken).toMatch(HEX64);
    expect(next.refreshToken).not.toBe(refreshToken);
    expect(sidOf(next.accessToken)).toBe(sidOf(session.accessToken));
    expect((await current(next.accessToken)).status).toBe(200);

    // signOut (server mode: POST /api/auth/logout?client_type=mobile with the Bearer token) revokes the session
    const out = await client.auth.signOut();
    expect(out.error).toBeNull();
    expect((await refreshMobile(next.refreshToken!)).status).toBe(401);
    expect((await current(next.accessToken)).status).toBe(401);
    const meAfter = await authed.auth.getCurrentUser();
    expect(meAfter.data.user).toBeNull();
    expect(meAfter.error?.statusCode).toBe(401);
    expect(meAfter.error?.error).toBe('AUTH_UNAUTHORIZED');
  });

  it('getPublicAuthConfig', async () => {
    const r = await sdk().auth.getPublicAuthConfig();
    expect(r.error).toBeNull();
    expect(r.data).toEqual(
      expect.objectContaining({
        passwordMinLength: 8,
        requireEmailVerification: false,
        verifyEmailMethod: 'code',
        oAuthProviders: ['google', 'github'],
      }),
    );
  });

  it('a wrong password -> error with statusCode 401 and error AUTH_UNAUTHORIZED', async () => {
    const email = randomEmail('sdk-bad');
    const client = sdk();
    expect((await client.auth.signUp({ email, password: PASSWORD })).error).toBeNull();
    const bad = await sdk().auth.signInWithPassword({ email, password: 'not-the-password' });
    expect(bad.data).toBeNull();
    expect(bad.error).not.toBeNull();
    expect(bad.error!.statusCode).toBe(401);
    expect(bad.error!.error).toBe('AUTH_UNAUTHORIZED');
    expect(bad.error!.message).toBe('Invalid credentials');
  });

  it('sign-up errors come back as InsForgeError: an existing email -> 409 AUTH_EMAIL_EXISTS, a weak password -> 400', async () => {
    const email = randomEmail('sdk-dup');
    expect((await sdk().auth.signUp({ email, password: PASSWORD })).error).toBeNull();
    const dup = await sdk().auth.signUp({ email, password: PASSWORD });
    expect(dup.error?.statusCode).toBe(409);
    expect(dup.error?.error).toBe('AUTH_EMAIL_EXISTS');
    const weak = await sdk().auth.signUp({ email: randomEmail('sdk-weak'), password: 'short' });
    expect(weak.error?.statusCode).toBe(400);
    expect(weak.error?.error).toBe('INVALID_INPUT');
    expect(weak.error?.message).toBe('Password must contain at least 8 characters long');
  });

  it('refreshSession with a dead token -> error 401 AUTH_UNAUTHORIZED', async () => {
    const r = await sdk().auth.refreshSession({ refreshToken: 'ab'.repeat(32) });
    expect(r.data).toBeNull();
    expect(r.error?.statusCode).toBe(401);
    expect(r.error?.error).toBe('AUTH_UNAUTHORIZED');
  });
});

describe('rate limits let the SDK’s own integration suite pass from one machine', () => {
  it('17 sign-ups, each followed by a sign-in and a refresh, all from one IP with the default limits', async () => {
    // One address for the whole run, as when the SDK repository's integration tests run on a laptop.
    const headers = { 'x-forwarded-for': randomIp() };
    for (let i = 0; i < 17; i++) {
      const client = createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers });
      const email = randomEmail(`sdk-suite-${i}`);
      const up = await client.auth.signUp({ email, password: PASSWORD });
      expect([i, up.error]).toEqual([i, null]);
      const signIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
      expect([i, signIn.error]).toEqual([i, null]);
      const refreshed = await client.auth.refreshSession({ refreshToken: (signIn.data as { refreshToken: string }).refreshToken });
      expect([i, refreshed.error]).toEqual([i, null]);
    }
  });
});
