import { createHash } from 'node:crypto';
import { DEFAULT_AUTH_CONFIG, setAuthConfig, sql } from '../harness/db.js';
import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { bearer, current, insforgeError, PASSWORD, REFRESH_COOKIE, signInRaw } from '../identity/helpers.js';
import { adminSignIn, apiKeyHeaders, INVALID_API_KEY, restoreAnonKey } from './helpers.js';

const INVALID_ANON_KEY = insforgeError(
  401,
  'AUTH_INVALID_CREDENTIALS',
  'Invalid anon key',
  'Check the token is valid or login to get a new token.',
);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const admin = apiKeyHeaders();
/**
 * Rotations of the API key are made by an admin session: the stack's own key (harness/env.ts) is
 * stored with an expiry, like a key in its grace period, and such a key may not rotate.
 */
let rotator: Record<string, string> = {};
beforeAll(async () => {
  rotator = bearer((await adminSignIn()).accessToken);
});
const rotateApiKey = (body?: unknown, headers?: Record<string, string>) =>
  call('POST', '/api/secrets/api-key/rotate', { body, headers: headers ?? rotator, ip: randomIp() });
const rotateAnonKey = (body?: unknown, headers = admin) => call('POST', '/api/secrets/anon-key/rotate', { body, headers, ip: randomIp() });
const signUpWith = (headers: Record<string, string>, body: Record<string, unknown> = {}, client = 'web') =>
  call('POST', `/api/auth/users${client === 'web' ? '' : `?client_type=${client}`}`, {
    body: { email: randomEmail('cred'), password: PASSWORD, ...body },
    headers,
    ip: randomIp(),
  });
const hoursFromNow = (iso: string) => (new Date(iso).getTime() - Date.now()) / 3600_000;

describe('API keys', () => {
  it('rotation shows the new key once; it works at once, as Bearer and as x-api-key; only its hash is stored', async () => {
    const r = await rotateApiKey({ gracePeriodHours: 1 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      message: 'API key rotated successfully. Old key will remain valid during grace period.',
      apiKey: expect.stringMatching(/^ik_[0-9a-f]{64}$/),
      oldKeyExpiresAt: expect.stringMatching(ISO),
    });
    expect(hoursFromNow(r.body.oldKeyExpiresAt)).toBeGreaterThan(0.9);
    const key: string = r.body.apiKey;
    expect((await call('POST', '/api/auth/tokens/anon', { headers: apiKeyHeaders(key) })).status).toBe(200);
    expect((await call('POST', '/api/auth/tokens/anon', { headers: { 'x-api-key': key } })).status).toBe(200);
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM identity.api_keys WHERE key_hash = $1`, [
      createHash('sha256').update(key).digest(),
    ]);
    expect(rows).toEqual([{ n: 1 }]);
    const dump = await sql<{ t: string }>(`SELECT string_agg(t::text, ' ') AS t FROM identity.api_keys t`);
    expect(dump[0]!.t).not.toContain(key.slice(3));
  });

  it('is never retrievable again: GET /api/metadata/api-key names it by a hint, apiKey is null', async () => {
    const { body } = await rotateApiKey({ gracePeriodHours: 1 });
    const key: string = body.apiKey;
    const meta = await call('GET', '/api/metadata/api-key', { headers: admin });
    expect(meta.status).toBe(200);
    expect(meta.body).toMatchObject({ apiKey: null, hint: `${key.slice(0, 7)}…${key.slice(-4)}`, createdAt: expect.stringMatching(ISO) });
    expect(meta.text).not.toContain(key.slice(7, -4));
    expect(meta.body.inGracePeriod.length).toBeGreaterThan(0);
    for (const other of ['/api/metadata/anon-key', '/api/metadata/auth', '/api/auth/tokens/anon']) {
      const r = await call(other === '/api/auth/tokens/anon' ? 'POST' : 'GET', other, { headers: admin });
      expect([other, r.text.includes(key.slice(3))]).toEqual([other, false]);
    }
  });

  it('the old key works during its grace period; with 0 hours it stops at once (AUTH_INVALID_API_KEY)', async () => {
    const first = (await rotateApiKey({ gracePeriodHours: 2 })).body.apiKey as string;
    const second = (await rotateApiKey({ gracePeriodHours: 2 }, apiKeyHeaders(first))).body.apiKey as string;
    expect((await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(first) })).status).toBe(200);
    const third = await rotateApiKey({ gracePeriodHours: 0 }, apiKeyHeaders(second));
    expect(third.status).toBe(200);
    expect(hoursFromNow(third.body.oldKeyExpiresAt)).toBeLessThanOrEqual(0);
    expect(await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(second) })).toMatchObject({
      status: 401,
      body: INVALID_API_KEY,
    });
    expect((await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(first) })).status).toBe(200);
    expect((await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(third.body.apiKey) })).status).toBe(200);
    // Once the grace period is over, the first key is refused too.
    await sql(`UPDATE identity.api_keys SET expires_at = now() - interval '1 second' WHERE key_hash = $1`, [
      createHash('sha256').update(first).digest(),
    ]);
    expect(await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(first) })).toMatchObject({
      status: 401,
      body: INVALID_API_KEY,
    });
  });

  it('a key in its grace period keeps working but cannot rotate the key (a leaked old key cannot renew itself)', async () => {
    const old = (await rotateApiKey({ gracePeriodHours: 2 })).body.apiKey as string;
    const active = (await rotateApiKey({ gracePeriodHours: 2 }, apiKeyHeaders(old))).body.apiKey as string;
    const refused = await rotateApiKey({ gracePeriodHours: 0 }, apiKeyHeaders(old));
    expect(refused).toMatchObject({
      status: 403,
      body: insforgeError(
        403,
        'FORBIDDEN',
        'An API key in its grace period cannot rotate the API key',
        'Use the current API key or sign in as admin.',
      ),
    });
    for (const h of [apiKeyHeaders(old), { 'x-api-key': old }]) expect((await rotateApiKey({ gracePeriodHours: 0 }, h)).status).toBe(403);
    // nothing changed: both still work, the current key is still the active one and may rotate
    expect((await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(old) })).status).toBe(200);
    expect(
      await sql(`SELECT count(*)::int AS n FROM identity.api_keys WHERE expires_at IS NULL AND key_hash = $1`, [
        createHash('sha256').update(active).digest(),
      ]),
    ).toEqual([{ n: 1 }]);
    expect((await rotateApiKey({ gracePeriodHours: 1 }, apiKeyHeaders(active))).status).toBe(200);
    // the old key may still do the rest of an admin's work during its grace period
    expect((await call('GET', '/api/auth/users?limit=1', { headers: apiKeyHeaders(old) })).status).toBe(200);
  });

  it('one key rotating several times at once: one rotation wins, the others find it rotated out (403)', async () => {
    const key = (await rotateApiKey({ gracePeriodHours: 1 })).body.apiKey as string;
    const all = await Promise.all(Array.from({ length: 5 }, () => rotateApiKey({ gracePeriodHours: 1 }, apiKeyHeaders(key))));
    expect(all.map((r) => r.status).sort()).toEqual([200, 403, 403, 403, 403]);
    const winner = all.find((r) => r.status === 200)!.body.apiKey as string;
    expect(
      await sql(`SELECT count(*)::int AS n FROM identity.api_keys WHERE expires_at IS NULL AND key_hash = $1`, [
        createHash('sha256').update(winner).digest(),
      ]),
    ).toEqual([{ n: 1 }]);
  });

  it('concurrent rotations each succeed and leave exactly one active key', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => rotateApiKey({ gracePeriodHours: 1 })));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await sql(`SELECT count(*)::int AS n FROM identity.api_keys WHERE expires_at IS NULL`)).toEqual([{ n: 1 }]);
    for (const r of all) expect((await call('GET', '/api/metadata/api-key', { headers: apiKeyHeaders(r.body.apiKey) })).status).toBe(200);
  });

  it('gracePeriodHours is an integer from 0 to 168 (400 otherwise); no body means the default 24 hours', async () => {
    for (const g of [-1, 169, 1.5, 'abc', '', '1e2', false, [1], { a: 1 }]) {
      const r = await rotateApiKey({ gracePeriodHours: g });
      expect([g, r.status, r.body.error]).toEqual([g, 400, 'INVALID_INPUT']);
    }
    const r = await call('POST', '/api/secrets/api-key/rotate', { headers: rotator });
    expect(r.status).toBe(200);
    expect(Math.round(hoursFromNow(r.body.oldKeyExpiresAt))).toBe(24);
    // Digits in a string count, as InsForge takes them.
    const s = await rotateApiKey({ gracePeriodHours: '3' });
    expect(s.status).toBe(200);
    expect(Math.round(hoursFromNow(s.body.oldKeyExpiresAt))).toBe(3);
  });

  it('an admin token may rotate it too; a user token may not (403)', async () => {
    const s = await adminSignIn();
    expect((await rotateApiKey({ gracePeriodHours: 1 }, bearer(s.accessToken))).status).toBe(200);
    const u = await signUpWith({}, {}, 'mobile');
    expect((await rotateApiKey({ gracePeriodHours: 1 }, bearer(u.body.accessToken))).status).toBe(403);
  });

  it('keys with NUL bytes or other garbage are refused without a 5xx', async () => {
    for (const headers of [
      { 'x-api-key': 'ik_\u0000' + 'a'.repeat(60) },
      { 'x-api-key': 'ik_' + 'é'.repeat(64) },
      { 'x-api-key': 'x'.repeat(5000) },
    ]) {
      const r = await call('GET', '/api/metadata/api-key', { headers }).catch((e: Error) => ({ status: 0, error: e.message }));
      // fetch itself refuses a header with NUL or non-Latin-1 characters; anything that is sent is a 4xx.
      if (r.status !== 0) expect(r.status).toBeGreaterThanOrEqual(400);
      if (r.status !== 0) expect(r.status).toBeLessThan(500);
    }
  });
});

describe('the anon key', () => {
  afterAll(restoreAnonKey);

  it('GET /api/metadata/anon-key and POST /api/auth/tokens/anon return the active key (seeded from ANON_KEY)', async () => {
    await restoreAnonKey();
    expect(await call('GET', '/api/metadata/anon-key', { headers: admin })).toMatchObject({ status: 200, body: { anonKey: ANON_KEY } });
    expect(await call('POST', '/api/auth/tokens/anon', { headers: admin })).toMatchObject({ status: 200, body: { accessToken: ANON_KEY } });
  });

  it('rotation: the new key works at once on sign-up, the old one during the grace period, not after', async () => {
    const r = await rotateAnonKey({ gracePeriodHours: 720 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      message: 'Anon key rotated successfully. Old key will remain valid during grace period.',
      anonKey: expect.stringMatching(/^anon_[0-9a-f]{64}$/),
      oldKeyExpiresAt: expect.stringMatching(ISO),
    });
    expect(Math.round(hoursFromNow(r.body.oldKeyExpiresAt))).toBe(720);
    const fresh: string = r.body.anonKey;
    expect((await call('GET', '/api/metadata/anon-key', { headers: admin })).body).toEqual({ anonKey: fresh });
    expect((await signUpWith(bearer(fresh))).status).toBe(200);
    expect((await signUpWith(bearer(ANON_KEY))).status).toBe(200);

    // Rotated out with no grace: the key stops at once; the one before, still in its grace, works.
    const next = await rotateAnonKey({ gracePeriodHours: 0 });
    expect(next.status).toBe(200);
    expect(await signUpWith(bearer(fresh))).toMatchObject({ status: 401, body: INVALID_ANON_KEY });
    expect((await signUpWith(bearer(next.body.anonKey))).status).toBe(200);
    expect((await signUpWith(bearer(ANON_KEY))).status).toBe(200);

    // The stack's key, once its grace period is over, is refused too.
    await sql(`UPDATE identity.anon_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [ANON_KEY]);
    const email = randomEmail('anon-expired');
    expect(await call('POST', '/api/auth/users', { body: { email, password: PASSWORD }, headers: bearer(ANON_KEY) })).toMatchObject({
      status: 401,
      body: INVALID_ANON_KEY,
    });
    expect((await signInRaw(email, PASSWORD)).status).toBe(401);
  });

  it('gracePeriodHours is an integer from 0 to 720', async () => {
    for (const g of [-1, 721, 2.5, 'x']) expect([g, (await rotateAnonKey({ gracePeriodHours: g })).status]).toEqual([g, 400]);
  });
});

describe('GET /api/metadata/auth', () => {
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('is the public config plus the redirect allow-list', async () => {
    await setAuthConfig({ allowed_redirect_urls: ['https://app.example.test/cb', 'https://*.example.test/**'] });
    const [meta, pub] = await Promise.all([call('GET', '/api/metadata/auth', { headers: admin }), call('GET', '/api/auth/public-config')]);
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({ ...pub.body, allowedRedirectUrls: ['https://app.example.test/cb', 'https://*.example.test/**'] });
  });
});

describe('sign-up by an admin (API key or admin token)', () => {
  afterEach(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('autoConfirm marks the email verified; no cookie, no refresh token, no CSRF token; the access token works', async () => {
    const r = await signUpWith(admin, { autoConfirm: true });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['accessToken', 'requireEmailVerification', 'user']);
    expect(r.body.user.emailVerified).toBe(true);
    expect(r.body.requireEmailVerification).toBe(false);
    expect(r.headers.getSetCookie().filter((c) => c.startsWith(REFRESH_COOKIE))).toEqual([]);
    expect((await current(r.body.accessToken)).body.user.id).toBe(r.body.user.id);
  });

  it('without autoConfirm the email stays unverified; a non-admin caller cannot use autoConfirm', async () => {
    expect((await signUpWith(admin, {}, 'mobile')).body.user.emailVerified).toBe(false);
    for (const headers of [{}, bearer(ANON_KEY)]) {
      const r = await signUpWith(headers, { autoConfirm: true }, 'mobile');
      expect(r.status).toBe(200);
      expect(r.body.user.emailVerified).toBe(false);
      expect(r.body.refreshToken).toEqual(expect.any(String));
    }
  });

  it('goes past disabled sign-ups, with an API key or an admin token; the public still gets 403', async () => {
    await setAuthConfig({ disable_signup: true });
    const s = await adminSignIn();
    expect((await signUpWith(admin, { autoConfirm: true })).status).toBe(200);
    expect((await signUpWith(bearer(s.accessToken), { autoConfirm: true })).status).toBe(200);
    expect(await signUpWith(bearer(ANON_KEY))).toMatchObject({
      status: 403,
      body: insforgeError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.'),
    });
  });

  it('with email verification on: autoConfirm answers {accessToken: null, requireEmailVerification: false} and the user signs in', async () => {
    await setAuthConfig({ require_email_verification: true, verify_email_method: 'link' });
    const email = randomEmail('cred-confirmed');
    const r = await call('POST', '/api/auth/users', { body: { email, password: PASSWORD, autoConfirm: true }, headers: admin });
    expect(r).toMatchObject({ status: 200, body: { accessToken: null, requireEmailVerification: false } });
    expect(Object.keys(r.body).sort()).toEqual(['accessToken', 'requireEmailVerification']);
    expect((await signInRaw(email, PASSWORD)).status).toBe(200);
    const plain = await call('POST', '/api/auth/users', {
      body: { email: randomEmail('cred-unconfirmed'), password: PASSWORD },
      headers: admin,
    });
    expect(plain).toMatchObject({ status: 200, body: { accessToken: null, requireEmailVerification: true } });
  });

  it('a wrong API key or a logged-out admin token is a 401, and no user is created', async () => {
    const email = randomEmail('cred-refused');
    const wrong = await call('POST', '/api/auth/users', {
      body: { email, password: PASSWORD },
      headers: apiKeyHeaders('ik_' + '9'.repeat(64)),
    });
    expect(wrong).toMatchObject({ status: 401, body: INVALID_API_KEY });
    const s = await adminSignIn();
    await call('POST', '/api/auth/admin/logout', {
      headers: { cookie: `insforge_admin_refresh_token=${s.cookie}`, 'x-csrf-token': s.csrfToken },
    });
    const dead = await call('POST', '/api/auth/users', { body: { email, password: PASSWORD }, headers: bearer(s.accessToken) });
    expect(dead.status).toBe(401);
    expect((await signInRaw(email, PASSWORD)).status).toBe(401);
  });
});
