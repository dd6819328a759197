import { createClient } from '@insforge/sdk';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { randomIp } from '../harness/http.js';
import { current, HEX64 } from '../identity/helpers.js';
import { APP_REDIRECT, appLanding, atProvider, callback, githubUser, googleAccount, startProviders } from './oauth-helpers.js';

// As in test/identity/sdk.e2e-spec.ts: the SDK's CommonJS build requires an ESM-only package by a
// name Jest's CommonJS resolver cannot find; point the name at the real file (not a mock).
jest.mock(
  '@insforge/shared-schemas',
  () => jest.requireActual(require('node:path').join(__dirname, '../../node_modules/@insforge/shared-schemas/dist/index.js')),
  { virtual: true },
);

/** The real `@insforge/sdk` in server mode: signInWithOAuth({skipBrowserRedirect}) then exchangeOAuthCode. */
const sdk = () => createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers: { 'x-forwarded-for': randomIp() } });

beforeAll(async () => {
  await startProviders();
});

it.each(['google', 'github'] as const)(
  '@insforge/sdk signs in with %s: signInWithOAuth, the provider, exchangeOAuthCode',
  async (provider) => {
    const client = sdk();
    const hint: Record<string, string> =
      provider === 'google' ? { login_hint: (await googleAccount()).sub } : { login: (await githubUser()).login };
    const started = await client.auth.signInWithOAuth(provider, {
      redirectTo: APP_REDIRECT,
      skipBrowserRedirect: true,
      additionalParams: hint,
    });
    expect(started.error).toBeNull();
    const { url, codeVerifier } = started.data as { url: string; codeVerifier: string };
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const landing = appLanding(await callback(await atProvider(url)));
    const code = landing.searchParams.get('insforge_code')!;
    expect(code).toMatch(HEX64);

    const exchanged = await client.auth.exchangeOAuthCode(code, codeVerifier);
    expect(exchanged.error).toBeNull();
    const session = exchanged.data as { accessToken: string; refreshToken?: string; user: { providers: string[] } };
    expect(session.user.providers).toEqual([provider]);
    expect(session.refreshToken).toMatch(HEX64);
    expect((await current(session.accessToken)).status).toBe(200);

    // the code is spent: the SDK gets InsForge's error
    const again = await client.auth.exchangeOAuthCode(code, codeVerifier);
    expect(again.error).toMatchObject({ statusCode: 400, error: 'INVALID_INPUT', message: 'Invalid or expired code' });
  },
);
