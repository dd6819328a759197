import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { BASE_URL } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import {
  bearer,
  current,
  decodeJwt,
  HEX64,
  INVALID_TOKEN,
  insforgeError,
  NO_TOKEN,
  PASSWORD,
  refreshCookieOf,
  sidOf,
  signIn,
  signInRaw,
  signUp,
  userShape,
} from './helpers.js';

describe('POST /api/auth/sessions: password sign-in', () => {
  it('web: {user, accessToken, csrfToken} and the refresh cookie', async () => {
    const a = await signUp({ name: 'Sign In' });
    const r = await signInRaw(a.email, PASSWORD, { client: 'web' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      user: userShape(a.email, { name: 'Sign In' }),
      accessToken: expect.any(String),
      csrfToken: expect.stringMatching(HEX64),
    });
    expect(r.body.user.id).toBe(a.userId);
    expect(refreshCookieOf(r.headers)?.value).toMatch(HEX64);
  });

  it.each(['mobile', 'desktop', 'server'] as const)('%s: {user, accessToken, refreshToken} and no cookie', async (client) => {
    const a = await signUp();
    const r = await signInRaw(a.email, PASSWORD, { client });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: userShape(a.email), accessToken: expect.any(String), refreshToken: expect.stringMatching(HEX64) });
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('every sign-in is a new session with new tokens (ASVS 3.2.1)', async () => {
    const a = await signUp();
    const s1 = await signIn(a.email);
    const s2 = await signIn(a.email);
    expect(new Set([sidOf(a.accessToken), sidOf(s1.accessToken), sidOf(s2.accessToken)]).size).toBe(3);
    expect(new Set([a.refreshToken, s1.refreshToken, s2.refreshToken]).size).toBe(3);
  });

  it('the email is matched case- and whitespace-insensitively', async () => {
    const a = await signUp();
    expect((await signInRaw(`  ${a.email.toUpperCase()} `, PASSWORD)).status).toBe(200);
  });

  it('method "password" and method null are password sign-ins', async () => {
    const a = await signUp();
    for (const method of ['password', null]) {
      const r = await call('POST', '/api/auth/sessions?client_type=mobile', {
        body: { method, email: a.email, password: PASSWORD },
        ip: randomIp(),
      });
      expect(r.status).toBe(200);
      expect(r.body.user.id).toBe(a.userId);
    }
  });

  it('unknown email and wrong password: identical status, body and headers', async () => {
    const a = await signUp();
    const ip = randomIp();
    const unknown = await signInRaw(randomEmail('nobody'), PASSWORD, { ip });
    const wrong = await signInRaw(a.email, PASSWORD + 'x', { ip });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials'));
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text).toBe(unknown.text);
    const headersOf = (h: Headers) => [...h.entries()].filter(([k]) => k !== 'date' && k !== 'x-request-id');
    expect(headersOf(wrong.headers)).toEqual(headersOf(unknown.headers));
    expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    // another kind of wrong password answers the same
    const wrongCase = await signInRaw(a.email, PASSWORD.toUpperCase(), { ip });
    expect(wrongCase.text).toBe(unknown.text);
  });

  describe('bad bodies -> 400 INVALID_INPUT', () => {
    const ip = randomIp();
    const email = randomEmail('badsignin');
    it.each([
      ['empty object', {}, /^email: /],
      ['email only', { email }, /^password: /],
      ['email not a string', { email: 7, password: PASSWORD }, /^email: /],
      ['email invalid', { email: 'nope', password: PASSWORD }, /^email: /],
      ['password not a string', { email, password: 12345678 }, /^password: /],
      ['password too long', { email, password: 'x'.repeat(129) }, /^password: /],
      ['method magic-link', { method: 'magic-link', email, password: PASSWORD }, /^method: /],
      ['method is a number', { method: 1, email, password: PASSWORD }, /^method: /],
      ['method otp without a code', { method: 'otp', email }, /^otp: /],
      ['method otp with a 5-digit code', { method: 'otp', email, otp: '12345' }, /^otp: /],
    ])('%s', async (_what, body, message) => {
      const r = await call('POST', '/api/auth/sessions', { body, ip });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', message));
    });

    it('malformed JSON and no body', async () => {
      for (const rawBody of ['{"email"', undefined]) {
        const r = await call('POST', '/api/auth/sessions', { rawBody, headers: { 'content-type': 'application/json' }, ip });
        expect(r.status).toBe(400);
        expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', expect.any(String)));
      }
    });
  });
});

describe('GET /api/auth/sessions/current', () => {
  it('200 {user} with a valid access token', async () => {
    const a = await signUp({ name: 'Current' });
    const r = await current(a.accessToken);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: userShape(a.email, { name: 'Current' }) });
    expect(r.body.user.id).toBe(a.userId);
  });

  it('no token -> 401 AUTH_INVALID_CREDENTIALS "No token provided"', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: '' }]) {
      const r = await call('GET', '/api/auth/sessions/current', { headers });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(NO_TOKEN);
    }
  });

  it('a header that is not exactly "Bearer <token>" -> 401 AUTH_UNAUTHORIZED (one parser, nothing guessed)', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz']) {
      const r = await call('GET', '/api/auth/sessions/current', { headers: { authorization } });
      expect([authorization, r.status, r.body]).toEqual([authorization, 401, INVALID_TOKEN]);
    }
  });

  it('a bad token -> 401 AUTH_UNAUTHORIZED "Invalid token"', async () => {
    for (const token of ['garbage', 'a.b.c', 'x'.repeat(2000)]) {
      const r = await current(token);
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
  });

  it('after logout of that session -> 401 AUTH_UNAUTHORIZED, while another session of the user still works', async () => {
    const a = await signUp();
    const other = await signIn(a.email);
    const out = await call('POST', '/api/auth/logout?client_type=mobile', { headers: bearer(a.accessToken), ip: a.ip });
    expect(out.status).toBe(200);
    const r = await current(a.accessToken);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
    expect((await current(other.accessToken)).status).toBe(200);
  });
});

describe('GET /api/auth/public-config', () => {
  it('200 with the InsForge shape and our defaults, no auth needed', async () => {
    const r = await call('GET', '/api/auth/public-config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      oAuthProviders: ['google', 'github'], // the stack's OAUTH_CLIENTS
      customOAuthProviders: [],
      requireEmailVerification: false,
      passwordMinLength: 8,
      requireNumber: false,
      requireLowercase: false,
      requireUppercase: false,
      requireSpecialChar: false,
      verifyEmailMethod: 'code',
      resetPasswordMethod: 'code',
      disableSignup: false,
    });
    expect(r.body).not.toHaveProperty('allowedRedirectUrls');
    expect(r.body).not.toHaveProperty('smtpConfig');
  });
});

describe('JWKS', () => {
  it('/.well-known/jwks.json and /api/.well-known/jwks.json serve the same ES256 public keys with kid', async () => {
    const a = await call('GET', '/.well-known/jwks.json');
    const b = await call('GET', '/api/.well-known/jwks.json');
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const keys = a.body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const k of keys) {
      expect(k).toEqual(
        expect.objectContaining({
          kty: 'EC',
          crv: 'P-256',
          alg: 'ES256',
          use: 'sig',
          kid: expect.any(String),
          x: expect.any(String),
          y: expect.any(String),
        }),
      );
      // public keys only
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(k).not.toHaveProperty(secret);
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
  });

  it('our access tokens are ES256 with a published kid, verify with the published key, and carry the documented claims', async () => {
    const acc = await signUp();
    const jwks = (await call('GET', '/.well-known/jwks.json')).body as { keys: (Record<string, string> & { kid: string })[] };
    const { header, payload } = decodeJwt(acc.accessToken);
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' });
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const [h, p, s] = acc.accessToken.split('.');
    const ok = verifySignature(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: createPublicKey({ key: jwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(s!, 'base64url'),
    );
    expect(ok).toBe(true);
    expect(payload).toEqual({
      sub: acc.userId,
      email: acc.email,
      role: 'authenticated',
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iss: `${BASE_URL}/api/auth`,
      aud: 'authenticated',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(payload.exp - payload.iat).toBe(900);
  });
});
