import { createAdminClient, createClient } from '@insforge/sdk';
import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { bearer, PASSWORD } from '../identity/helpers.js';
import { adminSignIn, E2E_API_KEY, restoreAnonKey } from './helpers.js';

// As in test/identity/sdk.e2e-spec.ts: the SDK's CommonJS build needs the real shared-schemas entry.
jest.mock(
  '@insforge/shared-schemas',
  () => jest.requireActual(require('node:path').join(__dirname, '../../node_modules/@insforge/shared-schemas/dist/index.js')),
  { virtual: true },
);

/**
 * The SDK's `createAdminClient({apiKey})` (server mode, the key as Bearer on every request): the
 * admin operations it offers are sign-up as admin creation, and its HTTP client for the rest of
 * the admin API.
 */
const admin = (apiKey = E2E_API_KEY) => createAdminClient({ apiKey, baseUrl: BASE_URL, headers: { 'x-forwarded-for': randomIp() } });

describe('@insforge/sdk createAdminClient', () => {
  afterEach(() => setAuthConfig(DEFAULT_AUTH_CONFIG));
  afterAll(restoreAnonKey);

  it('refuses to be built without a key', () => {
    expect(() => createAdminClient({ apiKey: '  ', baseUrl: BASE_URL })).toThrow('Missing apiKey');
  });

  it('auth.signUp creates users as the admin: past disabled sign-ups, autoConfirm honoured; the user then signs in', async () => {
    await setAuthConfig({ disable_signup: true });
    const email = randomEmail('sdk-admin');
    const up = await admin().auth.signUp({ email, password: PASSWORD, name: 'Made by admin', autoConfirm: true } as never);
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({
      requireEmailVerification: false,
      user: { email, emailVerified: true, profile: { name: 'Made by admin' } },
    });
    expect((up.data as { refreshToken?: string }).refreshToken).toBeUndefined();

    const user = createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers: { 'x-forwarded-for': randomIp() } });
    const selfService = await user.auth.signUp({ email: randomEmail('sdk-public'), password: PASSWORD });
    expect(selfService.error).toMatchObject({ statusCode: 403, error: 'AUTH_SIGNUP_DISABLED' });
    const signIn = await user.auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(signIn.data!.user.emailVerified).toBe(true);
  });

  it('its HTTP client reaches the admin API: metadata, key rotation, the user list', async () => {
    expect(await admin().getHttpClient().get('/api/metadata/anon-key')).toEqual({ anonKey: expect.stringMatching(/^anon_[0-9a-f]{64}$/) });
    expect(await admin().getHttpClient().get('/api/metadata/api-key')).toMatchObject({ apiKey: null });
    // The stack's key is stored like a key in its grace period, which may not rotate: the client
    // rotates with the current key, as an integration holding it would.
    const { apiKey } = (
      await call('POST', '/api/secrets/api-key/rotate', {
        body: { gracePeriodHours: 1 },
        headers: bearer((await adminSignIn()).accessToken),
      })
    ).body as { apiKey: string };
    const http = admin(apiKey).getHttpClient();
    const rotated = await http.post<{ apiKey: string }>('/api/secrets/api-key/rotate', { gracePeriodHours: 1 });
    expect(rotated.apiKey).toMatch(/^ik_[0-9a-f]{64}$/);
    // The new key drives a new admin client at once.
    const users = await admin(rotated.apiKey)
      .getHttpClient()
      .get<{ data: unknown[]; pagination: { total: number } }>('/api/auth/users?limit=1');
    expect(users.data.length).toBeLessThanOrEqual(1);
    expect(users.pagination.total).toBeGreaterThan(0);
  });

  it('a wrong key gets InsForge error objects, never a throw', async () => {
    const bad = admin('ik_' + '7'.repeat(64));
    const up = await bad.auth.signUp({ email: randomEmail('sdk-bad'), password: PASSWORD });
    expect(up.data).toBeNull();
    expect(up.error).toMatchObject({ statusCode: 401, error: 'AUTH_INVALID_API_KEY', message: 'Invalid API key' });
    await expect(bad.getHttpClient().get('/api/metadata/anon-key')).rejects.toMatchObject({
      statusCode: 401,
      error: 'AUTH_INVALID_API_KEY',
    });
  });
});
