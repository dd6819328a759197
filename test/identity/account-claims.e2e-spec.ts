import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_AUTH_CONFIG, setAuthConfig, sql } from '../harness/db.js';
import { BASE_URL } from '../harness/env.js';
import { call, codeIn, linkIn, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { bearer, current, refreshMobile, signIn, signInRaw, signUp, webRefresh } from './helpers.js';

/**
 * Account pre-hijacking: a stranger registers someone else's address (email verification is off
 * by default) and holds sessions in both APIs. When the owner proves the address, by any path,
 * every one of those sessions dies at once and only the owner's new session lives.
 */

const APP = 'http://app.example.test';
const STRANGER_PASSWORD = 'stranger-chosen passw0rd';
const OWNER_PASSWORD = 'the owner’s own passphrase';

const post = (path: string, body: unknown, token?: string) =>
  call('POST', path, { body, ip: randomIp(), headers: token ? bearer(token) : {} });
const devices = (token: string) => call('GET', '/v1/auth/devices', { headers: bearer(token) });
const gorbRefresh = (refresh_token: string) => post('/v1/auth/refresh', { refresh_token });
const gorbLogin = (identifier: string, password: string) => post('/v1/login', { identifier, password, device_name: 'owner phone' });
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

interface Stranger {
  email: string;
  userId: string;
  username: string | null;
  insforge: { accessToken: string; refreshToken: string };
  web: { accessToken: string; cookie: string; csrfToken: string };
  gorb: { accessToken: string; refreshToken: string };
  /** a reset token left over from before the claim (stored as its hash, as identity stores them) */
  leftoverResetToken: string;
}

type Origin = 'insforge' | 'gorb';

/** The stranger's account and sessions: InsForge (mobile and web) and Gorb, all live. */
async function plant(origin: Origin): Promise<Stranger> {
  const email = randomEmail('claim');
  let userId: string;
  let username: string | null = null;
  let gorb: Stranger['gorb'];
  let insforge: Stranger['insforge'];
  if (origin === 'insforge') {
    const up = await signUp({ email, password: STRANGER_PASSWORD, name: 'Not The Owner' });
    userId = up.userId;
    insforge = { accessToken: up.accessToken, refreshToken: up.refreshToken! };
    const g = await post('/v1/login', { email, password: STRANGER_PASSWORD, device_name: 'stranger laptop' });
    expect(g.status).toBe(200);
    gorb = { accessToken: g.body.access_token, refreshToken: g.body.refresh_token };
  } else {
    username = `claim_${randomBytes(5).toString('hex')}`;
    const r = await post('/v1/register', { identifier: username, email, password: STRANGER_PASSWORD, device_name: 'stranger laptop' });
    expect(r.status).toBe(200);
    userId = r.body.uuid;
    gorb = { accessToken: r.body.access_token, refreshToken: r.body.refresh_token };
    const s = await signIn(email, STRANGER_PASSWORD);
    insforge = { accessToken: s.accessToken, refreshToken: s.refreshToken! };
  }
  const w = await signIn(email, STRANGER_PASSWORD, { client: 'web' });
  const leftoverResetToken = randomBytes(32).toString('hex');
  await sql(
    `INSERT INTO identity.one_time_codes (email, purpose, kind, secret_hash, expires_at) VALUES ($1, 'reset_password', 'token', $2, now() + interval '1 hour')`,
    [email, sha256(leftoverResetToken)],
  );
  const stranger = {
    email,
    userId,
    username,
    insforge,
    web: { accessToken: w.accessToken, cookie: w.cookie!, csrfToken: w.csrfToken! },
    gorb,
    leftoverResetToken,
  };
  await expectAlive(stranger);
  return stranger;
}

/** Every credential works, and `sessions/current` has just been answered (so it sits in the cache). */
async function expectAlive(s: Stranger): Promise<void> {
  for (const token of [s.insforge.accessToken, s.web.accessToken]) {
    const me = await current(token);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: s.userId, emailVerified: false });
  }
  expect((await devices(s.gorb.accessToken)).status).toBe(200);
  expect((await patchProfile(s.insforge.accessToken, { probe: randomBytes(4).toString('hex') })).status).toBe(200);
}

const patchProfile = (token: string, profile: Record<string, unknown>) =>
  call('PATCH', '/api/auth/profiles/current', { body: { profile }, headers: bearer(token) });

/** Nothing the stranger held before the claim works any more, in either API. */
async function expectDead(s: Stranger): Promise<void> {
  for (const token of [s.insforge.accessToken, s.web.accessToken]) {
    const me = await current(token);
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 });
    // The session list checks the session too.
    expect((await call('GET', '/api/auth/sessions', { headers: bearer(token) })).status).toBe(401);
  }
  // profiles accepts any valid access token: it was told, and refuses the stranger's writes.
  for (const token of [s.insforge.accessToken, s.web.accessToken]) {
    const patched = await call('PATCH', '/api/auth/profiles/current', {
      body: { profile: { name: 'still here' } },
      headers: bearer(token),
    });
    expect(patched.status).toBe(401);
    expect(patched.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 });
  }
  const refreshed = await refreshMobile(s.insforge.refreshToken);
  expect(refreshed.status).toBe(401);
  expect(refreshed.body.error).toBe('AUTH_UNAUTHORIZED');
  expect((await webRefresh(s.web.cookie, s.web.csrfToken)).status).toBe(401);
  const gorbMe = await devices(s.gorb.accessToken);
  expect(gorbMe.status).toBe(401);
  expect(gorbMe.body).toEqual({ message: expect.any(String) });
  expect((await gorbRefresh(s.gorb.refreshToken)).status).toBe(401);
  // Codes and tokens issued before the claim are spent.
  const leftover = await post('/api/auth/email/reset-password', { newPassword: 'the stranger tries again', otp: s.leftoverResetToken });
  expect(leftover.status).toBe(400);
  expect(leftover.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid or expired verification token', statusCode: 400 });
}

/** The stranger's password no longer opens the account, in either API. */
async function expectStrangerPasswordDead(s: Stranger): Promise<void> {
  expect((await signInRaw(s.email, STRANGER_PASSWORD)).status).toBe(401);
  expect((await gorbLogin(s.email, STRANGER_PASSWORD)).status).toBe(403);
}

/** A session started after the claim works, and sees the verified account. */
async function expectOwnerSession(userId: string, accessToken: string): Promise<void> {
  const me = await current(accessToken);
  expect(me.status).toBe(200);
  expect(me.body.user).toMatchObject({ id: userId, emailVerified: true });
  const patched = await call('PATCH', '/api/auth/profiles/current', { body: { profile: { owner: true } }, headers: bearer(accessToken) });
  expect(patched.status).toBe(200);
  expect(patched.body).toEqual({ id: userId, profile: expect.objectContaining({ owner: true }) });
  const list = await call('GET', '/api/auth/sessions', { headers: bearer(accessToken) });
  expect(list.status).toBe(200);
  // Only sessions started after the claim are left.
  expect(list.body.sessions).toEqual([expect.objectContaining({ current: true })]);
}

const ORIGINS: Origin[] = ['insforge', 'gorb'];

describe('account claims: proving an unverified email revokes every earlier session', () => {
  beforeAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));
  afterEach(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it.each(ORIGINS)('email-code sign-in (method "otp"), account made through %s', async (origin) => {
    const s = await plant(origin);
    expect((await post('/api/auth/email/send-otp', { email: s.email })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(s.email))[0]!);
    await expectAlive(s);
    const r = await post('/api/auth/sessions?client_type=mobile', { method: 'otp', email: s.email, otp: code });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: s.userId, emailVerified: true });
    await expectDead(s);
    await expectStrangerPasswordDead(s);
    await expectOwnerSession(s.userId, r.body.accessToken);
    expect((await refreshMobile(r.body.refreshToken)).status).toBe(200);
  });

  it.each(ORIGINS)('email verification by code, account made through %s', async (origin) => {
    const s = await plant(origin);
    expect((await post('/api/auth/email/send-verification', { email: s.email })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(s.email))[0]!);
    await expectAlive(s);
    const r = await post('/api/auth/email/verify?client_type=mobile', { email: s.email, otp: code });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: s.userId, emailVerified: true });
    await expectDead(s);
    await expectOwnerSession(s.userId, r.body.accessToken);
    expect((await refreshMobile(r.body.refreshToken)).status).toBe(200);
  });

  it.each(ORIGINS)('email verification by link, account made through %s', async (origin) => {
    await setAuthConfig({ verify_email_method: 'link', allowed_redirect_urls: [`${APP}/**`] });
    const s = await plant(origin);
    expect((await post('/api/auth/email/send-verification', { email: s.email, redirectTo: `${APP}/verified` })).status).toBe(202);
    const path = linkIn((await mailbox.waitFor(s.email))[0]!).slice(BASE_URL.length);
    await expectAlive(s);
    const r = await call('GET', path);
    expect(r.status).toBe(302);
    expect(new URL(r.headers.get('location')!).searchParams.get('insforge_status')).toBe('success');
    await expectDead(s);
    // The link signs nobody in; the account's next sign-in is a new session, which lives.
    const next = await signIn(s.email, STRANGER_PASSWORD);
    await expectOwnerSession(s.userId, next.accessToken);
  });

  it.each(ORIGINS)('password reset by code, account made through %s', async (origin) => {
    const s = await plant(origin);
    expect((await post('/api/auth/email/send-reset-password', { email: s.email })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(s.email))[0]!);
    const ex = await post('/api/auth/email/exchange-reset-password-token', { email: s.email, code });
    expect(ex.status).toBe(200);
    await expectAlive(s);
    const done = await post('/api/auth/email/reset-password', { newPassword: OWNER_PASSWORD, otp: ex.body.token });
    expect(done.status).toBe(200);
    await expectDead(s);
    await expectStrangerPasswordDead(s);
    const owner = await signIn(s.email, OWNER_PASSWORD);
    await expectOwnerSession(s.userId, owner.accessToken);
    await expectOwnerGorbLogin(s);
  });

  it.each(ORIGINS)('password reset by link, account made through %s', async (origin) => {
    await setAuthConfig({ reset_password_method: 'link', allowed_redirect_urls: [`${APP}/**`] });
    const s = await plant(origin);
    expect((await post('/api/auth/email/send-reset-password', { email: s.email, redirectTo: `${APP}/reset` })).status).toBe(202);
    const link = linkIn((await mailbox.waitFor(s.email))[0]!);
    const ready = await call('GET', link.slice(BASE_URL.length));
    expect(ready.status).toBe(302);
    const token = new URL(ready.headers.get('location')!).searchParams.get('token')!;
    await expectAlive(s);
    const done = await post('/api/auth/email/reset-password', { newPassword: OWNER_PASSWORD, otp: token });
    expect(done.status).toBe(200);
    await expectDead(s);
    await expectStrangerPasswordDead(s);
    const owner = await signIn(s.email, OWNER_PASSWORD);
    await expectOwnerSession(s.userId, owner.accessToken);
    await expectOwnerGorbLogin(s);
  });

  it('a password reset of a verified account also stops the old access tokens writing the profile', async () => {
    const s = await plant('insforge');
    await sql(`UPDATE identity.users SET email_verified = true WHERE id = $1`, [s.userId]);
    for (const token of [s.insforge.accessToken, s.web.accessToken])
      expect((await patchProfile(token, { before: 'reset' })).status).toBe(200);
    expect((await post('/api/auth/email/send-reset-password', { email: s.email })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(s.email))[0]!);
    const ex = await post('/api/auth/email/exchange-reset-password-token', { email: s.email, code });
    expect((await post('/api/auth/email/reset-password', { newPassword: OWNER_PASSWORD, otp: ex.body.token })).status).toBe(200);
    for (const token of [s.insforge.accessToken, s.web.accessToken]) {
      expect((await patchProfile(token, { after: 'reset' })).status).toBe(401);
      expect((await current(token)).status).toBe(401);
    }
    const owner = await signIn(s.email, OWNER_PASSWORD);
    expect((await patchProfile(owner.accessToken, { after: 'reset' })).status).toBe(200);
  });

  it('proving an already verified email again revokes nothing (a plain email-code sign-in)', async () => {
    const s = await plant('insforge');
    await sql(`UPDATE identity.users SET email_verified = true WHERE id = $1`, [s.userId]);
    expect((await post('/api/auth/email/send-otp', { email: s.email })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(s.email))[0]!);
    const r = await post('/api/auth/sessions?client_type=mobile', { method: 'otp', email: s.email, otp: code });
    expect(r.status).toBe(200);
    expect((await current(s.insforge.accessToken)).status).toBe(200);
    expect((await devices(s.gorb.accessToken)).status).toBe(200);
    expect((await signInRaw(s.email, STRANGER_PASSWORD)).status).toBe(200);
  });
});

/** After a reset the owner signs in through Gorb too; a Gorb-made account keeps its username. */
async function expectOwnerGorbLogin(s: Stranger): Promise<void> {
  const g = await gorbLogin(s.username ?? s.email, OWNER_PASSWORD);
  expect(g.status).toBe(200);
  expect(g.body.uuid).toBe(s.userId);
  if (s.username) expect(g.body.user_id).toBe(`@${s.username}@localhost`);
  expect((await devices(g.body.access_token)).status).toBe(200);
}
