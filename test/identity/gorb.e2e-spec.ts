import { randomBytes } from 'node:crypto';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { bearer, HEX64, ISO_DATE, PASSWORD, refreshMobile, sidOf, signIn, signUp, UUID } from './helpers.js';

const username = (tag = 'g') => `${tag}_${randomBytes(5).toString('hex')}`;

interface GorbAccount {
  identifier: string;
  email: string;
  ip: string;
  login: Record<string, any>;
}

const post = (path: string, body: unknown, opts: { token?: string; ip?: string } = {}) =>
  call('POST', path, { body, ip: opts.ip ?? randomIp(), headers: opts.token ? bearer(opts.token) : {} });
const devices = (token: string) => call('GET', '/v1/auth/devices', { headers: bearer(token) });

/** The seed's login response, exactly. */
const loginShape = (identifier: string) => ({
  access_token: expect.stringMatching(HEX64),
  user_id: `@${identifier}@localhost`,
  uuid: expect.stringMatching(UUID),
  expires_in: 86400,
  refresh_token: expect.stringMatching(HEX64),
});

async function register(deviceName = 'Pixel 9'): Promise<GorbAccount> {
  const identifier = username();
  const email = randomEmail('gorb');
  const ip = randomIp();
  const r = await post('/v1/register', { identifier, email, password: PASSWORD, device_name: deviceName }, { ip });
  if (r.status !== 200) throw new Error(`register failed: ${r.status} ${r.text}`);
  return { identifier, email, ip, login: r.body };
}

const login = (body: Record<string, unknown>) => post('/v1/login', body);

/** Gorb's error shape: `{message}` only. */
const expectGorbError = (r: Reply, status: number, message: string | RegExp) => {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ message: typeof message === 'string' ? message : expect.stringMatching(message) });
};

describe('POST /v1/register (ours, seed-era Gorb shape)', () => {
  it('200 with exactly {access_token, user_id, uuid, expires_in, refresh_token}', async () => {
    const identifier = username();
    const r = await post('/v1/register', { identifier, email: randomEmail('gorb-reg'), password: PASSWORD, device_name: 'Pixel' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(loginShape(identifier));
    expect(r.body.access_token).not.toBe(r.body.refresh_token);
    const me = await devices(r.body.access_token);
    expect(me.status).toBe(200);
  });

  it('the user can also sign in through the InsForge API with the same email and password', async () => {
    const g = await register();
    const s = await signIn(g.email);
    expect(s.userId).toBe(g.login.uuid);
  });

  const flags = {
    signups_enabled: true,
    gorb_id_valid: true,
    gorb_id_available: true,
    email_valid: true,
    email_available: true,
    password_minimum_length: true,
    password_special_characters: true,
    password_letters: true,
    password_numbers: true,
  };

  it.each([
    ['an invalid username', { identifier: 'no spaces!' }, { gorb_id_valid: false }],
    ['a too short username', { identifier: 'ab' }, { gorb_id_valid: false }],
    ['a too long username', { identifier: 'a'.repeat(33) }, { gorb_id_valid: false }],
    ['an invalid email', { email: 'not-an-email' }, { email_valid: false }],
    ['a short password', { password: 'short' }, { password_minimum_length: false }],
  ])('%s -> 403 with the flags object', async (_what, override, failed) => {
    const body = { identifier: username(), email: randomEmail('gorb-bad'), password: PASSWORD, device_name: 'X', ...override };
    const r = await post('/v1/register', body);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ message: expect.any(String), ...flags, ...failed });
  });

  it('a taken username -> 403 gorb_id_available:false', async () => {
    const g = await register();
    const r = await post('/v1/register', { identifier: g.identifier, email: randomEmail('gorb-taken'), password: PASSWORD });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ message: expect.any(String), ...flags, gorb_id_available: false });
    // the username is compared lower-cased
    const upper = await post('/v1/register', {
      identifier: g.identifier.toUpperCase(),
      email: randomEmail('gorb-taken'),
      password: PASSWORD,
    });
    expect(upper.status).toBe(403);
    expect(upper.body.gorb_id_available).toBe(false);
  });

  it('a taken email -> 403 email_available:false (also when taken through the InsForge API, in another case)', async () => {
    const g = await register();
    const r = await post('/v1/register', { identifier: username(), email: g.email, password: PASSWORD });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ message: expect.any(String), ...flags, email_available: false });

    const insforge = await signUp();
    const r2 = await post('/v1/register', { identifier: username(), email: insforge.email.toUpperCase(), password: PASSWORD });
    expect(r2.status).toBe(403);
    expect(r2.body).toEqual({ message: expect.any(String), ...flags, email_available: false });
  });

  it('missing fields or bad JSON -> 400 {message}', async () => {
    for (const body of [
      {},
      { identifier: username(), email: randomEmail() },
      { identifier: 5, email: randomEmail(), password: PASSWORD },
    ]) {
      expectGorbError(await post('/v1/register', body), 400, /\S/);
    }
    const bad = await call('POST', '/v1/register', {
      rawBody: '{"identifier":',
      headers: { 'content-type': 'application/json' },
      ip: randomIp(),
    });
    expectGorbError(bad, 400, 'Malformed JSON in request body');
  });
});

describe('POST /v1/login (the seed)', () => {
  let g: GorbAccount;
  beforeAll(async () => {
    g = await register();
  });

  it('{identifier, password, device_name} -> 200 exactly the seed shape', async () => {
    const r = await login({ identifier: g.identifier, password: PASSWORD, device_name: 'Laptop' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(loginShape(g.identifier));
    expect(r.body.uuid).toBe(g.login.uuid);
    expect(r.body.access_token).not.toBe(g.login.access_token);
    expect(r.body.refresh_token).not.toBe(g.login.refresh_token);
  });

  it('{email, password, device_name} -> 200 with the same user', async () => {
    const r = await login({ email: g.email, password: PASSWORD, device_name: 'Tablet' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(loginShape(g.identifier));
    expect(r.body.uuid).toBe(g.login.uuid);
  });

  it('an email as the identifier, and an upper-cased username, sign in too', async () => {
    for (const identifier of [g.email, g.email.toUpperCase(), g.identifier.toUpperCase()]) {
      const r = await login({ identifier, password: PASSWORD, device_name: 'Other' });
      expect(r.status).toBe(200);
      expect(r.body.uuid).toBe(g.login.uuid);
    }
  });

  it('unknown user and wrong password -> the same 403 {message:"Invalid credentials"}', async () => {
    const ip = randomIp();
    const unknown = await call('POST', '/v1/login', { body: { identifier: username('nobody'), password: PASSWORD, device_name: 'X' }, ip });
    const unknownEmail = await call('POST', '/v1/login', {
      body: { email: randomEmail('nobody'), password: PASSWORD, device_name: 'X' },
      ip,
    });
    const wrong = await call('POST', '/v1/login', { body: { identifier: g.identifier, password: `${PASSWORD}!`, device_name: 'X' }, ip });
    for (const r of [unknown, unknownEmail, wrong]) expectGorbError(r, 403, 'Invalid credentials');
    expect(wrong.text).toBe(unknown.text);
    const headersOf = (h: Headers) => [...h.keys()].filter((k) => k !== 'date' && k !== 'x-request-id').sort();
    expect(headersOf(wrong.headers)).toEqual(headersOf(unknown.headers));
  });

  it('bad JSON, missing fields, wrong types -> 400 {message}', async () => {
    const ip = randomIp();
    const raw = await call('POST', '/v1/login', { rawBody: '{"identifier": "x", ', headers: { 'content-type': 'application/json' }, ip });
    expectGorbError(raw, 400, 'Malformed JSON in request body');
    expectGorbError(await login({ password: PASSWORD, device_name: 'X' }), 400, 'identifier or email is required');
    for (const body of [
      { identifier: g.identifier, device_name: 'X' },
      { identifier: g.identifier, password: 42 },
      { identifier: 42, password: PASSWORD },
      { identifier: g.identifier, password: PASSWORD, device_name: 'd'.repeat(65) },
      { identifier: g.identifier, password: 'p'.repeat(129) },
    ]) {
      expectGorbError(await login(body), 400, /\S/);
    }
    const none = await call('POST', '/v1/login', { ip });
    expect(none.status).toBe(400);
    expect(Object.keys(none.body)).toEqual(['message']);
  });
});

describe('POST /v1/auth/refresh', () => {
  it('{refresh_token} -> {access_token, refresh_token, expires_in}; the old access token stops working', async () => {
    const g = await register();
    const r = await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.stringMatching(HEX64), refresh_token: expect.stringMatching(HEX64), expires_in: 86400 });
    expect(r.body.refresh_token).not.toBe(g.login.refresh_token);
    expect(r.body.access_token).not.toBe(g.login.access_token);
    expectGorbError(await devices(g.login.access_token), 401, 'Invalid access token');
    expect((await devices(r.body.access_token)).status).toBe(200);
    // the new refresh token rotates again
    const r2 = await post('/v1/auth/refresh', { refresh_token: r.body.refresh_token });
    expect(r2.status).toBe(200);
    expect(r2.body.refresh_token).not.toBe(r.body.refresh_token);
  });

  it('a replay within the grace window gets the same refresh token', async () => {
    const g = await register();
    const r1 = await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token });
    const r2 = await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token });
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(r2.body.refresh_token).toBe(r1.body.refresh_token);
  });

  it('unknown or missing tokens -> 401 / 400 {message}', async () => {
    expectGorbError(
      await post('/v1/auth/refresh', { refresh_token: randomBytes(32).toString('hex') }),
      401,
      'Invalid or expired refresh token',
    );
    expectGorbError(await post('/v1/auth/refresh', {}), 400, /refresh_token/);
    expectGorbError(await post('/v1/auth/refresh', { refresh_token: 7 }), 400, /refresh_token/);
  });

  it('an InsForge refresh token is refused by the Gorb refresh, and stays usable where it belongs', async () => {
    const a = await signUp();
    expectGorbError(await post('/v1/auth/refresh', { refresh_token: a.refreshToken }), 401, 'Invalid or expired refresh token');
    expect((await refreshMobile(a.refreshToken!)).status).toBe(200);
  });

  it('a Gorb refresh token is refused by the InsForge refresh, and stays usable where it belongs', async () => {
    const g = await register();
    const r = await refreshMobile(g.login.refresh_token);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid or expired refresh token', statusCode: 401 });
    expect((await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token })).status).toBe(200);
  });
});

describe('GET /v1/auth/devices and GET /api/auth/sessions: one list of sessions for both APIs', () => {
  it('lists the sessions of both APIs with one current:true, from either side', async () => {
    const g = await register('Pixel 9');
    const insforge = await signIn(g.email); // the same user through /api/auth/sessions

    const r = await devices(g.login.access_token);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    const list = r.body as Record<string, any>[];
    expect(list).toHaveLength(2);
    for (const d of list) {
      expect(d).toEqual({
        device_id: expect.stringMatching(UUID),
        device_name: d.api === 'gorb' ? 'Pixel 9' : null,
        created_at: expect.stringMatching(ISO_DATE),
        last_used_at: expect.stringMatching(ISO_DATE),
        client_type: d.api === 'gorb' ? 'gorb' : 'mobile',
        api: expect.stringMatching(/^(gorb|insforge)$/),
        current: expect.any(Boolean),
      });
    }
    expect(list.map((d) => d.api).sort()).toEqual(['gorb', 'insforge']);
    const currents = list.filter((d) => d.current);
    expect(currents).toHaveLength(1);
    expect(currents[0]!.api).toBe('gorb');
    const insforgeRow = list.find((d) => d.api === 'insforge')!;
    expect(insforgeRow.device_id).toBe(sidOf(insforge.accessToken));

    const s = await call('GET', '/api/auth/sessions', { headers: bearer(insforge.accessToken) });
    expect(s.status).toBe(200);
    const sessions = s.body.sessions as Record<string, any>[];
    expect(sessions).toHaveLength(2);
    const gorbRow = sessions.find((x) => x.api === 'gorb')!;
    expect(gorbRow).toMatchObject({ id: currents[0]!.device_id, clientType: 'gorb', deviceName: 'Pixel 9', current: false, ip: g.ip });
    expect(sessions.filter((x) => x.current).map((x) => x.id)).toEqual([sidOf(insforge.accessToken)]);
  });

  it('missing or bad token -> 401 {message}; an InsForge JWT is not a Gorb token', async () => {
    const a = await signUp();
    expectGorbError(await call('GET', '/v1/auth/devices'), 401, /\S/);
    expectGorbError(await devices(randomBytes(32).toString('hex')), 401, 'Invalid access token');
    expectGorbError(await devices(a.accessToken), 401, 'Invalid access token');
    // and a Gorb token is not an InsForge access token
    const g = await register();
    const r = await call('GET', '/api/auth/sessions/current', { headers: bearer(g.login.access_token) });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 });
  });

  it('InsForge revocation of a Gorb session kills its opaque access token', async () => {
    const g = await register();
    const s = await signIn(g.email);
    const gorbId = ((await devices(g.login.access_token)).body as { device_id: string; api: string }[]).find(
      (d) => d.api === 'gorb',
    )!.device_id;
    const del = await call('DELETE', `/api/auth/sessions/${gorbId}`, { headers: bearer(s.accessToken) });
    expect(del.status).toBe(200);
    expectGorbError(await devices(g.login.access_token), 401, 'Invalid access token');
    expectGorbError(await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token }), 401, 'Invalid or expired refresh token');
  });
});

describe('POST /v1/auth/revoke', () => {
  it("{password, device_name} -> {deleted:true}; that device's tokens die, the caller's live on", async () => {
    const g = await register('Old Phone');
    const laptop = await login({ identifier: g.identifier, password: PASSWORD, device_name: 'Laptop' });
    const token = laptop.body.access_token as string;
    const r = await post('/v1/auth/revoke', { password: PASSWORD, device_name: 'Old Phone' }, { token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ deleted: true });
    expectGorbError(await devices(g.login.access_token), 401, 'Invalid access token');
    expect((await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token })).status).toBe(401);
    const left = (await devices(token)).body as { device_name: string }[];
    expect(left.map((d) => d.device_name)).toEqual(['Laptop']);
    // nothing left by that name
    const again = await post('/v1/auth/revoke', { password: PASSWORD, device_name: 'Old Phone' }, { token });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ deleted: false });
  });

  it('by device_id (ours)', async () => {
    const g = await register('Phone A');
    const b = await login({ identifier: g.identifier, password: PASSWORD, device_name: 'Phone B' });
    const list = (await devices(b.body.access_token)).body as { device_id: string; device_name: string }[];
    const a = list.find((d) => d.device_name === 'Phone A')!;
    const r = await post('/v1/auth/revoke', { password: PASSWORD, device_id: a.device_id }, { token: b.body.access_token });
    expect(r.body).toEqual({ deleted: true });
    expectGorbError(await devices(g.login.access_token), 401, 'Invalid access token');
  });

  it('a wrong password -> 403 {message:"Invalid credentials"} and nothing is revoked', async () => {
    const g = await register('Keep');
    const r = await post('/v1/auth/revoke', { password: 'wrong-password', device_name: 'Keep' }, { token: g.login.access_token });
    expectGorbError(r, 403, 'Invalid credentials');
    expect((await devices(g.login.access_token)).status).toBe(200);
  });

  it("another user's device cannot be revoked", async () => {
    const victim = await register('Victim Phone');
    const me = await register('Mine');
    const victimId = ((await devices(victim.login.access_token)).body as { device_id: string }[])[0]!.device_id;
    const byName = await post('/v1/auth/revoke', { password: PASSWORD, device_name: 'Victim Phone' }, { token: me.login.access_token });
    expect(byName.body).toEqual({ deleted: false });
    const byId = await post('/v1/auth/revoke', { password: PASSWORD, device_id: victimId }, { token: me.login.access_token });
    expect(byId.body).toEqual({ deleted: false });
    expect((await devices(victim.login.access_token)).status).toBe(200);
  });

  it('no device, bad input or no token -> 400 / 401 {message}', async () => {
    const g = await register();
    expectGorbError(await post('/v1/auth/revoke', { password: PASSWORD }, { token: g.login.access_token }), 400, /\S/);
    expectGorbError(await post('/v1/auth/revoke', { device_name: 'x' }, { token: g.login.access_token }), 400, /\S/);
    expectGorbError(await post('/v1/auth/revoke', { password: PASSWORD, device_id: 'nope' }, { token: g.login.access_token }), 400, /\S/);
    expectGorbError(await post('/v1/auth/revoke', { password: PASSWORD, device_name: 'x' }), 401, /\S/);
  });
});

describe('DELETE /v1/auth/logout', () => {
  it('200, then the access token -> 401 {message} and the refresh token is dead', async () => {
    const g = await register();
    const r = await call('DELETE', '/v1/auth/logout', { headers: bearer(g.login.access_token) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true });
    expectGorbError(await devices(g.login.access_token), 401, 'Invalid access token');
    expectGorbError(await call('DELETE', '/v1/auth/logout', { headers: bearer(g.login.access_token) }), 401, 'Invalid access token');
    expectGorbError(await post('/v1/auth/refresh', { refresh_token: g.login.refresh_token }), 401, 'Invalid or expired refresh token');
  });

  it('only that session', async () => {
    const g = await register();
    const other = await login({ identifier: g.identifier, password: PASSWORD, device_name: 'Other' });
    expect((await call('DELETE', '/v1/auth/logout', { headers: bearer(g.login.access_token) })).status).toBe(200);
    expect((await devices(other.body.access_token)).status).toBe(200);
  });

  it('missing token -> 401 {message}', async () => {
    const r = await call('DELETE', '/v1/auth/logout');
    expectGorbError(r, 401, /\S/);
    expectGorbError(await call('DELETE', '/v1/auth/logout', { headers: { authorization: 'Bearer nope' } }), 401, 'Invalid access token');
  });
});
