import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient } from '@insforge/sdk';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { apiKeyHeaders } from '../admin/helpers.js';
import { sql } from '../harness/db.js';
import { ANON_KEY, BASE_URL, OIDC_JWKS_FILE, OIDC_NATIVE_APPS, OIDC_NATIVE_REDIRECT, OIDC_PROVIDER_URL } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { current, HEX64, insforgeError, REFRESH_COOKIE, signUp } from '../identity/helpers.js';
import { googleAccount, type GoogleAccount, startProviders } from './oauth-helpers.js';

// The SDK's CommonJS build needs its ESM-only schemas package by path (see test/identity/sdk.e2e-spec.ts).
jest.mock(
  '@insforge/shared-schemas',
  () => jest.requireActual(require('node:path').join(__dirname, '../../node_modules/@insforge/shared-schemas/dist/index.js')),
  { virtual: true },
);

/**
 * POST /api/auth/id-token against a real OpenID provider (oidc-provider, standing in for Google
 * and for Apple through OAUTH_PROVIDER_ENDPOINTS): tokens minted by it for native apps through a
 * real code flow, and tokens forged with its own signing key (a good signature on bad claims),
 * with a foreign key, or with none.
 */
const GOOGLE_FAILED = insforgeError(400, 'INVALID_INPUT', 'Failed to verify Google ID token');
const APPLE_FAILED = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Failed to verify Apple ID token');
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

const idToken = (body: unknown, opts: { client?: string; ip?: string } = {}) =>
  call('POST', `/api/auth/id-token${opts.client ? `?client_type=${opts.client}` : ''}`, { body, ip: opts.ip ?? randomIp() });

/** A native app at the provider: a code flow (PKCE, optional nonce) ending at the app's loopback redirect, then the token endpoint. */
async function mintIdToken(app: string, account: GoogleAccount, nonce?: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${OIDC_PROVIDER_URL}/auth`);
  const params: Record<string, string> = {
    client_id: app,
    redirect_uri: OIDC_NATIVE_REDIRECT,
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: account.sub,
    state: randomBytes(8).toString('hex'),
  };
  if (nonce) params.nonce = nonce;
  for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
  const jar = new Map<string, string>();
  let url = auth;
  for (let hop = 0; hop < 10 && !url.href.startsWith(OIDC_NATIVE_REDIRECT); hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status}: ${await res.text()}`);
    url = new URL(location, url);
  }
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${url.href}`);
  const res = await fetch(`${OIDC_PROVIDER_URL}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: OIDC_NATIVE_REDIRECT,
      client_id: app,
      code_verifier: verifier,
    }),
  });
  const tokens = (await res.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error(`no id_token: ${JSON.stringify(tokens)}`);
  return tokens.id_token;
}

/** Signs claims with the provider's own key (so only the claims can be wrong), or with another. */
async function forge(claims: Record<string, unknown>, opts: { key?: 'provider' | 'foreign'; kid?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const full = {
    iss: OIDC_PROVIDER_URL,
    aud: OIDC_NATIVE_APPS.android,
    sub: `forged-${randomBytes(4).toString('hex')}`,
    iat: now,
    exp: now + 600,
    email: randomEmail('forged'),
    email_verified: true,
    ...claims,
  };
  if (opts.key === 'foreign') {
    const { privateKey } = await generateKeyPair('RS256');
    return new SignJWT(full).setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'not-in-jwks' }).sign(privateKey);
  }
  const jwk = (JSON.parse(readFileSync(OIDC_JWKS_FILE, 'utf8')) as { keys: JWK[] }).keys[0];
  return new SignJWT(full).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(await importJWK(jwk, 'RS256'));
}

const configure = async (provider: 'google' | 'apple', body: Record<string, unknown>) => {
  await call('DELETE', `/api/auth/oauth/${provider}/config`, { headers: apiKeyHeaders() });
  const r = await call('POST', '/api/auth/oauth/configs', { body: { provider, ...body }, headers: apiKeyHeaders() });
  if (r.status !== 200) throw new Error(`configure ${provider}: ${r.status} ${r.text}`);
};

const sdk = () => createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers: { 'x-forwarded-for': randomIp() } });

beforeAll(async () => {
  await startProviders();
  await configure('google', { clientId: 'e2e-google-client', nativeClientIds: [OIDC_NATIVE_APPS.android] });
  await configure('apple', { clientId: 'com.example.web', nativeClientIds: [OIDC_NATIVE_APPS.ios] });
});
afterAll(() => sql(`DELETE FROM identity.oauth_configs WHERE provider IN ('google', 'apple')`));

describe('POST /api/auth/id-token: Google', () => {
  it("the SDK's signInWithIdToken with a token the provider minted for the Android app: a session, an account linked to google", async () => {
    const account = await googleAccount({ name: 'Native Ada' });
    const token = await mintIdToken(OIDC_NATIVE_APPS.android, account);
    const r = await sdk().auth.signInWithIdToken({ provider: 'google', token });
    expect(r.error).toBeNull();
    const data = r.data as {
      accessToken: string;
      refreshToken?: string;
      user: { id: string; email: string; emailVerified: boolean; providers: string[] };
    };
    expect(data.user).toMatchObject({ email: account.email, emailVerified: true, providers: ['google'] });
    expect(data.refreshToken).toMatch(HEX64);
    expect((await current(data.accessToken)).body.user.id).toBe(data.user.id);

    // A Google token may be presented again (its SDK caches it); it lands in the same account.
    const again = await idToken({ provider: 'google', token }, { client: 'mobile' });
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(data.user.id);
  });

  it('web clients get the refresh cookie and csrfToken', async () => {
    const token = await mintIdToken(OIDC_NATIVE_APPS.android, await googleAccount());
    const r = await idToken({ provider: 'google', token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: expect.any(Object), accessToken: expect.any(String), csrfToken: expect.any(String) });
    expect(r.headers.getSetCookie().some((c) => c.startsWith(`${REFRESH_COOKIE}=`))).toBe(true);
  });

  it('refuses forged tokens: wrong audience, wrong issuer, expired, alg none, a key not in the JWKS, junk', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = await mintIdToken(OIDC_NATIVE_APPS.stranger, await googleAccount()); // real, but for an app not configured
    const cases: [string, string][] = [
      ['a real token for another app', stranger],
      ['wrong audience', await forge({ aud: 'attacker-app' })],
      ['wrong issuer', await forge({ iss: 'https://accounts.google.com' })],
      ['expired', await forge({ iat: now - 7200, exp: now - 3600 })],
      ['no subject', await forge({ sub: undefined })],
      [
        'alg none',
        new UnsecuredJWT({ sub: 'x', aud: OIDC_NATIVE_APPS.android, email: 'a@b.co' })
          .setIssuer(OIDC_PROVIDER_URL)
          .setIssuedAt()
          .setExpirationTime('5m')
          .encode(),
      ],
      ['a key not in the JWKS', await forge({}, { key: 'foreign' })],
      ["a foreign key under the provider's kid", await forge({}, { key: 'foreign', kid: 'e2e-oidc-rs256' })],
      ['junk', 'a.b.c'],
      [
        'HS256 with the public key as secret',
        await new SignJWT({ sub: 'x', aud: OIDC_NATIVE_APPS.android })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(OIDC_PROVIDER_URL)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(JSON.stringify(await exportJWK((await generateKeyPair('RS256')).publicKey)))),
      ],
    ];
    for (const [what, token] of cases) {
      const r = await idToken({ provider: 'google', token }, { client: 'mobile' });
      expect([what, r.status, r.body]).toEqual([what, 400, GOOGLE_FAILED]);
    }
    // The provider's own key on good claims verifies: the cases above fail for their claims, not the harness.
    expect((await idToken({ provider: 'google', token: await forge({}) }, { client: 'mobile' })).status).toBe(200);
  });

  it('refuses a token without an email, and bad input in InsForge shapes', async () => {
    expect((await idToken({ provider: 'google', token: await forge({ email: undefined }) })).body).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'Invalid Google ID token: missing email claim'),
    );
    const bad: [unknown, string][] = [
      [{ provider: 'facebook', token: 'x' }, "provider: Invalid discriminator value. Expected 'google' | 'apple'"],
      [{ provider: 'google', token: '' }, 'token: Token is required'],
      [{ provider: 'google' }, 'token: Expected string'],
      [{ provider: 'google', token: 42 }, 'token: Expected string'],
    ];
    for (const [body, message] of bad) expect((await idToken(body)).body).toEqual(insforgeError(400, 'INVALID_INPUT', message));
    const nul = await idToken({ provider: 'google', token: 'a\u0000b' });
    expect([nul.status, nul.body.error]).toEqual([400, 'INVALID_INPUT']);
  });

  it('resolves the account by the same rule as the OAuth callback: a verified email claims an unverified account and its sessions die', async () => {
    const stranger = await signUp({ email: randomEmail('idtoken-claim') });
    const account = await googleAccount({ email: stranger.email, email_verified: true });
    const r = await idToken({ provider: 'google', token: await mintIdToken(OIDC_NATIVE_APPS.android, account) }, { client: 'mobile' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: stranger.userId, emailVerified: true, providers: expect.arrayContaining(['google']) });
    expect((await current(stranger.accessToken)).status).toBe(401);

    // An address the provider did not verify never reaches an existing account.
    const other = await signUp({ email: randomEmail('idtoken-unverified') });
    const unverified = await idToken(
      { provider: 'google', token: await forge({ email: other.email, email_verified: false }) },
      { client: 'mobile' },
    );
    expect(unverified.status).toBe(409);
    expect((await current(other.accessToken)).status).toBe(200);
  });

  it('no configured audience: nothing verifies', async () => {
    await sql(`UPDATE identity.oauth_configs SET native_client_ids = '{}' WHERE provider = 'google'`);
    try {
      const token = await mintIdToken(OIDC_NATIVE_APPS.android, await googleAccount());
      expect((await idToken({ provider: 'google', token })).body).toEqual(GOOGLE_FAILED);
    } finally {
      await sql(`UPDATE identity.oauth_configs SET native_client_ids = $1 WHERE provider = 'google'`, [[OIDC_NATIVE_APPS.android]]);
    }
  });
});

describe('POST /api/auth/id-token: Apple', () => {
  it('a token with SHA-256(raw nonce), minted for the iOS app: signed in once; the replay, another nonce, the hash itself are refused', async () => {
    const raw = randomBytes(16).toString('hex');
    const account = await googleAccount({ name: undefined });
    const token = await mintIdToken(OIDC_NATIVE_APPS.ios, account, sha256hex(raw));
    expect((await idToken({ provider: 'apple', token, nonce: 'wrong' }, { client: 'mobile' })).body).toEqual(APPLE_FAILED);
    expect((await idToken({ provider: 'apple', token, nonce: sha256hex(raw) }, { client: 'mobile' })).body).toEqual(APPLE_FAILED);

    const r = await idToken({ provider: 'apple', token, nonce: raw, name: ' Ada Apple ' }, { client: 'mobile' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email: account.email, providers: ['apple'], profile: { name: 'Ada Apple' } });

    expect((await idToken({ provider: 'apple', token, nonce: raw }, { client: 'mobile' })).body).toEqual(APPLE_FAILED);
  });

  it('refuses tokens without a nonce, for the Android app, forged; and a caller-chosen audience', async () => {
    const raw = 'n-' + randomBytes(8).toString('hex');
    const account = await googleAccount();
    expect((await idToken({ provider: 'apple', token: await mintIdToken(OIDC_NATIVE_APPS.ios, account), nonce: raw })).body).toEqual(
      APPLE_FAILED,
    );
    expect(
      (await idToken({ provider: 'apple', token: await mintIdToken(OIDC_NATIVE_APPS.android, account, sha256hex(raw)), nonce: raw })).body,
    ).toEqual(APPLE_FAILED);
    expect(
      (
        await idToken({
          provider: 'apple',
          token: await forge({ aud: OIDC_NATIVE_APPS.ios, nonce: sha256hex(raw) }, { key: 'foreign' }),
          nonce: raw,
        })
      ).body,
    ).toEqual(APPLE_FAILED);

    const extra = await idToken({ provider: 'apple', token: 'x', nonce: raw, audience: 'attacker-app' });
    expect(extra.body).toEqual(insforgeError(400, 'INVALID_INPUT', "Unrecognized key(s) in object: 'audience'"));
    for (const [body, message] of [
      [{ provider: 'apple', token: 'x' }, 'nonce: Expected string'],
      [{ provider: 'apple', token: 'x', nonce: '   ' }, 'nonce: Nonce is required'],
      [{ provider: 'apple', token: 'x', nonce: 'n'.repeat(256) }, 'nonce: Nonce is too long'],
    ] as const) {
      expect((await idToken(body)).body).toEqual(insforgeError(400, 'INVALID_INPUT', message));
    }
  });

  it('without an Apple configuration nothing verifies', async () => {
    await call('DELETE', '/api/auth/oauth/apple/config', { headers: apiKeyHeaders() });
    try {
      const raw = randomBytes(8).toString('hex');
      const token = await mintIdToken(OIDC_NATIVE_APPS.ios, await googleAccount(), sha256hex(raw));
      expect((await idToken({ provider: 'apple', token, nonce: raw })).body).toEqual(APPLE_FAILED);
    } finally {
      await configure('apple', { clientId: 'com.example.web', nativeClientIds: [OIDC_NATIVE_APPS.ios] });
    }
  });
});

describe('POST /api/auth/id-token: limits', () => {
  it('30 attempts per 15 minutes per address, then 429', async () => {
    const ip = randomIp();
    for (let i = 0; i < 30; i++) expect((await idToken({ provider: 'google', token: 'a.b.c' }, { ip })).status).toBe(400);
    const r = await idToken({ provider: 'google', token: 'a.b.c' }, { ip });
    expect(r.status).toBe(429);
    expect(r.body.error).toBe('TOO_MANY_REQUESTS');
  });
});
