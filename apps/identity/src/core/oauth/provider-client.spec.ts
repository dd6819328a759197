import { createHash } from 'node:crypto';
import type { IdentityConfig } from '../config/identity.config.js';
import { OAUTH_PROVIDER_IDS, PROVIDERS } from './providers/provider-catalog.js';
import { type FlowBinding, ProviderClient } from './provider-client.js';

const flow: FlowBinding = { state: 'st', codeVerifier: 'v'.repeat(43), nonce: 'n0' };
const creds = { clientId: 'cid', clientSecret: 'secret' };
const client = (overrides?: object) =>
  new ProviderClient({ OAUTH_PROVIDER_ENDPOINTS: overrides ? JSON.stringify(overrides) : undefined } as IdentityConfig);
const params = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('ProviderClient.authorizationUrl', () => {
  it('google: OIDC with nonce and S256, at the configured endpoint', () => {
    const url = client({ google: { authorizationEndpoint: 'http://127.0.0.1:9/auth' } }).authorizationUrl(
      'google',
      creds,
      'https://api.example/cb',
      flow,
      {},
    );
    expect(url.startsWith('http://127.0.0.1:9/auth?')).toBe(true);
    expect(params(url)).toEqual({
      client_id: 'cid',
      response_type: 'code',
      redirect_uri: 'https://api.example/cb',
      scope: 'openid email profile',
      state: 'st',
      nonce: 'n0',
      code_challenge: createHash('sha256').update(flow.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
  });

  it('extras pass, reserved names never do', () => {
    const url = client().authorizationUrl('github', creds, 'https://api.example/cb', flow, {
      prompt: 'select_account',
      login: 'octo',
      state: 'x',
      redirect_uri: 'https://evil.example',
      client_id: 'other',
      request_uri: 'https://evil.example/r',
      response_mode: 'fragment',
      nonce: 'x',
    });
    const p = params(url);
    expect(p).toMatchObject({
      prompt: 'select_account',
      login: 'octo',
      state: 'st',
      redirect_uri: 'https://api.example/cb',
      client_id: 'cid',
    });
    expect(p.request_uri).toBeUndefined();
    expect(p.response_mode).toBeUndefined();
    expect(p.nonce).toBeUndefined(); // GitHub is not OpenID Connect
  });

  it("provider quirks: TikTok's client_key and commas, Apple's form_post, configured scopes keep openid", () => {
    expect(params(client().authorizationUrl('tiktok', creds, 'https://a/cb', flow, {}))).toMatchObject({
      client_key: 'cid',
      scope: 'user.info.basic',
    });
    const apple = params(client().authorizationUrl('apple', creds, 'https://a/cb', flow, {}));
    expect(apple).toMatchObject({ response_mode: 'form_post', scope: 'name email', nonce: 'n0' });
    expect(apple.code_challenge).toBeUndefined();
    expect(params(client().authorizationUrl('google', { ...creds, scopes: ['email'] }, 'https://a/cb', flow, {})).scope).toBe(
      'openid email',
    );
    expect(params(client().authorizationUrl('linkedin', creds, 'https://a/cb', flow, {})).code_challenge).toBeUndefined();
  });

  it.each([...OAUTH_PROVIDER_IDS])(
    '%s: its own authorization endpoint, our state and callback, scopes, PKCE only where it takes it',
    (id) => {
      const spec = PROVIDERS[id];
      const url = new URL(client().authorizationUrl(id, creds, 'https://api.example/cb', flow, {}));
      expect(url.origin + url.pathname).toBe(spec.endpoints.authorizationEndpoint.replace(/\?.*$/, ''));
      expect(url.searchParams.get('state')).toBe('st');
      expect(url.searchParams.get('redirect_uri')).toBe('https://api.example/cb');
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('scope')).toBe(spec.scopes.join(spec.scopeSeparator ?? ' '));
      expect(url.searchParams.get('code_challenge_method')).toBe(spec.pkce ? 'S256' : null);
      expect(url.searchParams.get('nonce')).toBe(spec.idToken ? 'n0' : null);
      expect(url.protocol).toBe('https:');
    },
  );
});
