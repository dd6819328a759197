import { createClient } from '@insforge/sdk';
import { apiKeyHeaders } from '../admin/helpers.js';
import { sql } from '../harness/db.js';
import { ANON_KEY, BASE_URL, OIDC_CUSTOM_CLIENT, OIDC_PROVIDER_URL } from '../harness/env.js';
import { call, randomIp, type Reply } from '../harness/http.js';
import { current, insforgeError } from '../identity/helpers.js';
import {
  APP_REDIRECT,
  appLanding,
  atProvider,
  authorize,
  callback,
  exchange,
  googleAccount,
  pkce,
  startProviders,
} from './oauth-helpers.js';

jest.mock(
  '@insforge/shared-schemas',
  () => jest.requireActual(require('node:path').join(__dirname, '../../node_modules/@insforge/shared-schemas/dist/index.js')),
  { virtual: true },
);

/**
 * Custom OpenID Connect providers (`/api/auth/oauth/custom/:key`), configured through the admin
 * API with a discovery URL, against a real OpenID provider run locally (oidc-provider): discovery,
 * PKCE and nonce to the provider, ID token validation, then InsForge's insforge_code exchange.
 */
const KEY = OIDC_CUSTOM_CLIENT.key;
const DISCOVERY = `${OIDC_PROVIDER_URL}/.well-known/openid-configuration`;

const configure = (body: Record<string, unknown>) => call('POST', '/api/auth/oauth/custom/configs', { body, headers: apiKeyHeaders() });
const custom = (key: string, query: Record<string, string>) => authorize(`custom/${key}`, query) as Promise<Reply>;
const codeOf = (landing: URL) => {
  const code = landing.searchParams.get('insforge_code');
  if (!code) throw new Error(`no insforge_code: ${landing.href}`);
  return code;
};

beforeAll(async () => {
  await startProviders();
  await sql('DELETE FROM identity.custom_oauth_configs');
  const r = await configure({
    key: KEY,
    name: 'E2E OIDC',
    discoveryEndpoint: DISCOVERY,
    clientId: OIDC_CUSTOM_CLIENT.clientId,
    clientSecret: OIDC_CUSTOM_CLIENT.clientSecret,
  });
  if (r.status !== 200) throw new Error(`configure: ${r.status} ${r.text}`);
});
afterAll(() => sql('DELETE FROM identity.custom_oauth_configs'));

describe('custom OIDC providers', () => {
  it('the code flow with PKCE: authUrl from discovery, provider, callback, exchange; the user lists the key as provider', async () => {
    const account = await googleAccount({ name: 'Custom Ada' });
    const app = pkce();
    const begun = await custom(KEY, {
      redirect_uri: APP_REDIRECT,
      code_challenge: app.challenge,
      login_hint: account.sub,
      prompt: 'login',
    });
    expect(begun.status).toBe(200);
    const authUrl = new URL(begun.body.authUrl);
    expect(authUrl.origin + authUrl.pathname).toBe(`${OIDC_PROVIDER_URL}/auth`);
    expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({
      client_id: OIDC_CUSTOM_CLIENT.clientId,
      redirect_uri: `${BASE_URL}/api/auth/oauth/custom/${KEY}/callback`,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      login_hint: account.sub,
      prompt: 'login',
    });
    // PKCE and nonce towards the provider are ours, not the app's
    expect(authUrl.searchParams.get('code_challenge')).not.toBe(app.challenge);
    expect(authUrl.searchParams.get('nonce')).toEqual(expect.any(String));

    const landing = appLanding(await callback(await atProvider(begun.body.authUrl)));
    expect(landing.origin + landing.pathname).toBe(APP_REDIRECT);
    const r = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email: account.email, emailVerified: true, providers: [KEY], profile: { name: 'Custom Ada' } });
    expect((await current(r.body.accessToken)).body.user.id).toBe(r.body.user.id);
  });

  it('the SDK: signInWithOAuth(key, {skipBrowserRedirect}) goes to /oauth/custom/:key, then exchangeOAuthCode', async () => {
    const account = await googleAccount();
    const client = createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers: { 'x-forwarded-for': randomIp() } });
    const started = await client.auth.signInWithOAuth(
      KEY as never,
      {
        redirectTo: APP_REDIRECT,
        skipBrowserRedirect: true,
        additionalParams: { login_hint: account.sub },
      } as never,
    );
    expect(started.error).toBeNull();
    const { url, codeVerifier } = started.data as { url: string; codeVerifier: string };
    const landing = appLanding(await callback(await atProvider(url)));
    const done = await client.auth.exchangeOAuthCode(codeOf(landing), codeVerifier);
    expect(done.error).toBeNull();
    expect((done.data as { user: { email: string; providers: string[] } }).user).toMatchObject({ email: account.email, providers: [KEY] });
  });

  it('states do not cross providers, and replays, unknown keys and bad keys are refused', async () => {
    const account = await googleAccount();
    const app = pkce();
    const begun = await custom(KEY, { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: account.sub });
    const back = await atProvider(begun.body.authUrl);
    const invalidState = insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter');
    // the custom provider's state at the built-in google callback, and google's at the custom one
    expect((await call('GET', `/api/auth/oauth/google/callback${back.search}`)).body).toEqual(invalidState);
    const g = await authorize('google', { redirect_uri: APP_REDIRECT, code_challenge: app.challenge });
    const googleState = new URL(g.body.authUrl).searchParams.get('state')!;
    expect((await call('GET', `/api/auth/oauth/custom/${KEY}/callback?code=x&state=${encodeURIComponent(googleState)}`)).body).toEqual(
      invalidState,
    );
    // to another custom key's callback
    expect((await call('GET', `/api/auth/oauth/custom/other-key/callback${back.search}`)).body).toEqual(invalidState);

    expect((await callback(back)).status).toBe(302);
    expect((await callback(back)).body).toEqual(invalidState);

    expect((await custom('nobody', { redirect_uri: APP_REDIRECT, code_challenge: app.challenge })).body).toEqual(
      insforgeError(404, 'AUTH_OAUTH_CONFIG_NOT_FOUND', 'Custom OAuth provider nobody not found'),
    );
    expect((await custom('Bad%20Key', { redirect_uri: APP_REDIRECT, code_challenge: app.challenge })).body).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'Invalid custom OAuth key'),
    );
    const offList = await custom(KEY, { redirect_uri: 'https://evil.example/cb', code_challenge: app.challenge });
    expect([offList.status, offList.body.error]).toEqual([400, 'INVALID_INPUT']);
    const noChallenge = await custom(KEY, { redirect_uri: APP_REDIRECT });
    expect(noChallenge.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'code_challenge: Required'));
  });

  it("the app's PKCE: a wrong verifier spends the code", async () => {
    const account = await googleAccount();
    const app = pkce();
    const begun = await custom(KEY, { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: account.sub });
    const code = codeOf(appLanding(await callback(await atProvider(begun.body.authUrl))));
    expect((await exchange(code, pkce().verifier)).body).toEqual(insforgeError(400, 'AUTH_UNAUTHORIZED', 'PKCE verification failed'));
    expect((await exchange(code, app.verifier)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
  });

  it('a provider error and a wrong client secret go back to the app as ?error=', async () => {
    const app = pkce();
    const denied = await custom(KEY, { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: 'deny' });
    const landing = appLanding(await callback(await atProvider(denied.body.authUrl)));
    expect(landing.searchParams.get('error')).toBe('access_denied');
    expect(landing.searchParams.has('insforge_code')).toBe(false);

    await call('PUT', `/api/auth/oauth/custom/${KEY}/config`, { body: { clientSecret: 'wrong-secret' }, headers: apiKeyHeaders() });
    try {
      const account = await googleAccount();
      const begun = await custom(KEY, { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: account.sub });
      const bad = appLanding(await callback(await atProvider(begun.body.authUrl)));
      expect(bad.searchParams.get('error')).toEqual(expect.any(String));
      expect(bad.searchParams.has('insforge_code')).toBe(false);
    } finally {
      await call('PUT', `/api/auth/oauth/custom/${KEY}/config`, {
        body: { clientSecret: OIDC_CUSTOM_CLIENT.clientSecret },
        headers: apiKeyHeaders(),
      });
    }
  });

  it('discovery: only https (http only to loopback, by operator choice) is accepted, and a dead issuer is a 500 in InsForge shape', async () => {
    const base = { name: 'N', clientId: 'c', clientSecret: 's' };
    for (const discoveryEndpoint of [
      'http://169.254.169.254/latest/meta-data',
      'http://internal.example/.well-known/openid-configuration',
      'https://user:pw@id.example/x',
      'ftp://id.example/x',
    ]) {
      const r = await configure({ ...base, key: 'ssrf', discoveryEndpoint });
      expect([discoveryEndpoint, r.status, r.body.error]).toEqual([discoveryEndpoint, 400, 'INVALID_INPUT']);
    }
    expect((await configure({ ...base, key: 'google', discoveryEndpoint: DISCOVERY })).status).toBe(400);
    expect(
      (await configure({ ...base, key: 'dead', discoveryEndpoint: 'http://127.0.0.1:9/.well-known/openid-configuration' })).status,
    ).toBe(200);
    const r = await custom('dead', { redirect_uri: APP_REDIRECT, code_challenge: pkce().challenge });
    expect(r.body).toEqual(
      insforgeError(500, 'AUTH_OAUTH_CONFIG_ERROR', 'dead OAuth is not properly configured. Please check your oauth configurations.'),
    );
    await call('DELETE', '/api/auth/oauth/custom/dead/config', { headers: apiKeyHeaders() });
  });
});
