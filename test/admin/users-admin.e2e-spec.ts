import { randomBytes, randomUUID } from 'node:crypto';
import { call, codeIn, mailbox, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';
import {
  bearer,
  current,
  insforgeError,
  ISO_DATE,
  PASSWORD,
  refreshMobile,
  signIn,
  signInRaw,
  signUp,
  UUID,
  webRefresh,
} from '../identity/helpers.js';
import { getProfile, patchProfile } from '../profiles/support.js';
import { ADMIN_REQUIRED, adminSignIn, apiKeyHeaders, NO_ADMIN_TOKEN } from './helpers.js';

/**
 * User management (InsForge's GET/DELETE /api/auth/users and GET /api/auth/users/:userId) and our
 * ban and unban, through the base URL, with an API key and with an admin token; the abuse cases of
 * each; and what a deletion or a ban does to the user's sessions in both APIs and in profiles.
 */

const api = apiKeyHeaders();
const list = (query = '', headers: Record<string, string> = api) => call('GET', `/api/auth/users${query}`, { headers });
const getUser = (id: string, headers: Record<string, string> = api) => call('GET', `/api/auth/users/${id}`, { headers });
const del = (body: unknown, headers: Record<string, string> = api) => call('DELETE', '/api/auth/users', { body, headers });
const ban = (id: string, headers: Record<string, string> = api) => call('POST', `/api/auth/users/${id}/ban`, { headers });
const unban = (id: string, headers: Record<string, string> = api) => call('POST', `/api/auth/users/${id}/unban`, { headers });
const search = (term: string) => list(`?search=${encodeURIComponent(term)}&limit=1000`);

const gorbRegister = async () => {
  const identifier = `ua_${randomBytes(5).toString('hex')}`;
  const email = randomEmail('users-admin-gorb');
  const r = await call('POST', '/v1/register', {
    body: { identifier, email, password: PASSWORD, device_name: 'Pixel' },
    ip: randomIp(),
  });
  if (r.status !== 200) throw new Error(`register failed: ${r.status} ${r.text}`);
  return { identifier, email, login: r.body as { access_token: string; refresh_token: string; uuid: string } };
};
/** Gorb's login by email or by username (`identifier`). */
const gorbLogin = (identifier: string, password = PASSWORD) =>
  call('POST', '/v1/login', { body: { identifier, password, device_name: 'Pixel' }, ip: randomIp() });
const gorbDevices = (token: string) => call('GET', '/v1/auth/devices', { headers: bearer(token) });
const gorbRefresh = (token: string) => call('POST', '/v1/auth/refresh', { body: { refresh_token: token }, ip: randomIp() });

const adminUserShape = (email: string, profile: Record<string, unknown> = {}) => ({
  id: expect.stringMatching(UUID),
  email,
  emailVerified: false,
  providers: ['email'],
  createdAt: expect.stringMatching(ISO_DATE),
  updatedAt: expect.stringMatching(ISO_DATE),
  profile,
  metadata: {},
  bannedAt: null,
});

const INVALID_INPUT = (message: string | RegExp) => insforgeError(400, 'INVALID_INPUT', message);
const NOT_FOUND = insforgeError(404, 'AUTH_USER_NOT_FOUND', 'User does not exist');
const BANNED = insforgeError(403, 'AUTH_USER_BANNED', 'This account is banned', 'Contact the administrator of this project.');
const INVALID_CREDENTIALS = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials');

const expectNo5xx = (replies: Reply[]) => expect(replies.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);

describe('who may manage users', () => {
  it('every route: no credential 401, a user token 403 (even on the user itself), an API key or an admin token the result', async () => {
    const user = await signUp({ name: 'Self Deleter' });
    const admin = await adminSignIn();
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/auth/users'],
      ['GET', `/api/auth/users/${user.userId}`],
      ['DELETE', '/api/auth/users', { userIds: [user.userId] }],
      ['POST', `/api/auth/users/${user.userId}/ban`],
      ['POST', `/api/auth/users/${user.userId}/unban`],
    ];
    for (const [method, path, body] of routes) {
      const none = await call(method, path, { body });
      expect([method, path, none.status, none.body]).toEqual([method, path, 401, NO_ADMIN_TOKEN]);
      const asUser = await call(method, path, { body, headers: bearer(user.accessToken) });
      expect([method, path, asUser.status, asUser.body]).toEqual([method, path, 403, ADMIN_REQUIRED]);
    }
    // The user is still there and still signed in: nothing above acted.
    expect((await current(user.accessToken)).status).toBe(200);
    for (const headers of [api, { 'x-api-key': apiKeyHeaders().authorization.slice('Bearer '.length) }, bearer(admin.accessToken)]) {
      const got = await getUser(user.userId, headers);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(adminUserShape(user.email, { name: 'Self Deleter' }));
    }
  });

  it('a made-up API key or a forged token is a 401, never the list', async () => {
    const fake = await list('', { authorization: `Bearer ik_${'0'.repeat(64)}` });
    expect(fake.status).toBe(401);
    expect(fake.body.error).toBe('AUTH_INVALID_API_KEY');
    const forged = await list('', { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoicHJvamVjdF9hZG1pbiJ9.' });
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid token'));
  });
});

describe('GET /api/auth/users', () => {
  it('InsForge’s page: {data, pagination:{offset, limit, total}}, newest first, 10 by default', async () => {
    const a = await signUp({ name: 'Older' });
    const b = await signUp({ name: 'Newer' });
    const r = await list();
    expect(r.status).toBe(200);
    expect(r.body.pagination).toEqual({ offset: 0, limit: 10, total: expect.any(Number) });
    expect(r.body.data.length).toBeLessThanOrEqual(10);
    const ids = r.body.data.map((u: { id: string }) => u.id);
    expect(ids.indexOf(b.userId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(b.userId)).toBeLessThan(ids.indexOf(a.userId) === -1 ? Infinity : ids.indexOf(a.userId));
    const times = r.body.data.map((u: { createdAt: string }) => Date.parse(u.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(r.body.data.find((u: { id: string }) => u.id === b.userId)).toEqual(adminUserShape(b.email, { name: 'Newer' }));
    // Nothing secret in any entry.
    expect(r.text).not.toMatch(/password|hash|username/i);
  });

  it('pages never overlap and add up to the total', async () => {
    for (let i = 0; i < 3; i++) await signUp({ name: `Pager ${i}` });
    const first = await list('?limit=2&offset=0');
    const second = await list('?limit=2&offset=2');
    expect(first.body.pagination).toMatchObject({ limit: 2, offset: 0 });
    expect(second.body.pagination).toMatchObject({ limit: 2, offset: 2 });
    const ids = [...first.body.data, ...second.body.data].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(4);
  });

  it.each([
    ['?limit=5000', 1000, 0],
    ['?limit=99999999999999999999999', 1000, 0],
    ['?limit=-3&offset=-5', 1, 0],
    ['?limit=0', 10, 0],
    ['?limit=abc&offset=xyz', 10, 0],
    ['?limit=2.9&offset=1.9', 2, 1],
    ['?limit=&offset=', 10, 0],
  ])('lenient numbers as InsForge, plus our upper bound: %s → limit %i, offset %i', async (query, limit, offset) => {
    const r = await list(query);
    expect(r.status).toBe(200);
    expect(r.body.pagination).toMatchObject({ limit, offset });
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
  });

  it('an offset past the end is an empty page, even one beyond bigint', async () => {
    for (const offset of ['100000000', '99999999999999999999999']) {
      const r = await list(`?offset=${offset}`);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([]);
      expect(r.body.pagination.total).toBeGreaterThan(0);
    }
  });

  it('a parameter given twice, a search too long, NUL bytes: 400 in InsForge’s shape', async () => {
    expect((await list('?limit=1&limit=2')).body).toEqual(INVALID_INPUT(/^limit: /));
    expect((await list(`?search=${'a'.repeat(321)}`)).body).toEqual(INVALID_INPUT('search: Search must be at most 320 characters'));
    const nul = await list('?search=a%00b');
    expect(nul.status).toBe(400);
    expect(nul.body.error).toBe('INVALID_INPUT');
    const surrogate = await list('?search=%ED%A0%80');
    expect(surrogate.status).toBe(400);
  });
});

describe('GET /api/auth/users?search=', () => {
  const tag = randomBytes(4).toString('hex');

  it('matches a case-insensitive substring of the email or of the profile name', async () => {
    const byEmail = await signUp({ email: `finder-${tag}@example.com`, name: 'Somebody' });
    const byName = await signUp({ name: `Ada ${tag.toUpperCase()} Lovelace` });
    const r = await search(tag.toUpperCase());
    expect(r.status).toBe(200);
    expect(r.body.data.map((u: { id: string }) => u.id).sort()).toEqual([byEmail.userId, byName.userId].sort());
    expect(r.body.pagination).toEqual({ offset: 0, limit: 1000, total: 2 });
    const lower = await search(`ada ${tag}`);
    expect(lower.body.data.map((u: { id: string }) => u.id)).toEqual([byName.userId]);
    expect((await search(`FINDER-${tag}@EXAMPLE`)).body.data.map((u: { id: string }) => u.id)).toEqual([byEmail.userId]);
  });

  it('% and _ match only themselves: a search for "%" does not list everyone', async () => {
    const pct = await signUp({ name: `100% ${tag}` });
    const under = await signUp({ name: `under_score ${tag}` });
    const plain = await signUp({ name: `plain ${tag}` });
    const everyone = (await list()).body.pagination.total;
    for (const [term, expected] of [
      ['%', pct.userId],
      [`0% ${tag}`, pct.userId],
      ['_', under.userId],
      [`r_s`, under.userId],
    ] as const) {
      const r = await search(term);
      expect(r.status).toBe(200);
      expect(r.body.pagination.total).toBeLessThan(everyone);
      const found = r.body.data as { id: string; email: string; profile: { name?: string } }[];
      expect(found.map((u) => u.id)).toContain(expected);
      expect(found.map((u) => u.id)).not.toContain(plain.userId);
      // Every hit holds the term literally (case aside), in its email or its name.
      for (const u of found) expect(`${u.email}\n${u.profile.name ?? ''}`.toLowerCase()).toContain(term.toLowerCase());
    }
    expect((await search('r_s')).body.data.map((u: { id: string }) => u.id)).toEqual([under.userId]);
  });

  it.each(["' OR 1=1 --", '"; DROP TABLE identity.users; --', '\\', '\\%', '[a-z]*', '.*', '%%%%', "' || '"])(
    'SQL-ish or regex-ish input is a literal substring: %p',
    async (term) => {
      const r = await search(term);
      expect(r.status).toBe(200);
      for (const u of r.body.data as { email: string; profile: { name?: string } }[]) {
        expect(`${u.email}\n${u.profile.name ?? ''}`.toLowerCase()).toContain(term.toLowerCase());
      }
      expect(r.body.pagination.total).toBe(r.body.data.length);
      expect((await list()).status).toBe(200); // and the table is still there
    },
  );

  it('searches identity’s read model of profiles: a renamed user is found by the new name', async () => {
    const user = await signUp({ name: `Before ${tag}` });
    const renamed = `After ${tag} Renamed`;
    expect((await patchProfile(user.accessToken, { profile: { name: renamed } })).status).toBe(200);
    await waitFor(async () => (await search(`after ${tag} renamed`)).body.data.length === 1, 20_000, 'the new name reaches identity');
    const r = await search(`after ${tag} renamed`);
    expect(r.body.data[0]).toMatchObject({ id: user.userId, profile: { name: renamed } });
  });

  it('an empty search lists everyone, as InsForge does', async () => {
    const all = await list();
    expect((await list('?search=')).body.pagination.total).toBe(all.body.pagination.total);
  });
});

describe('GET /api/auth/users/:userId', () => {
  it('the user; an unknown id 404, a malformed one 400, as InsForge answers', async () => {
    const user = await signUp({ name: 'Lookup' });
    const r = await getUser(user.userId.toUpperCase());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...adminUserShape(user.email, { name: 'Lookup' }), id: user.userId });
    expect(await getUser(randomUUID())).toMatchObject({ status: 404, body: NOT_FOUND });
    for (const bad of ['not-a-uuid', '1', `${user.userId}x`, "'%20OR%20'1'='1", 'a%00b']) {
      const got = await getUser(bad);
      expect([bad, got.status, got.body.error]).toEqual([bad, 400, 'INVALID_INPUT']);
    }
    expect((await getUser('not-a-uuid')).body).toEqual(INVALID_INPUT('Invalid user ID format'));
  });
});

describe('DELETE /api/auth/users', () => {
  it.each([
    ['no body', undefined, /userIds/],
    ['userIds missing', {}, /^userIds: /],
    ['userIds not an array', { userIds: 'x' }, /^userIds: /],
    ['userIds empty', { userIds: [] }, 'userIds: At least one user ID is required'],
    ['an id that is not a UUID', { userIds: [randomUUID(), 'nope'] }, 'userIds: Invalid user ID format'],
    ['an id that is a number', { userIds: [1] }, 'userIds: Invalid user ID format'],
    ['an id with a NUL byte', { userIds: [`${randomUUID()}\u0000`] }, /NUL/],
    ['more than 1000 ids', { userIds: Array.from({ length: 1001 }, () => randomUUID()) }, 'userIds: At most 1000 user IDs at once'],
  ])('%s: 400 INVALID_INPUT, nothing deleted', async (_what, body, message) => {
    const r = await del(body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(INVALID_INPUT(message));
  });

  it('unknown ids are ignored and duplicates count once', async () => {
    const user = await signUp();
    const r = await del({ userIds: [user.userId, randomUUID(), user.userId.toUpperCase(), user.userId] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: 'Users deleted successfully', deletedCount: 1 });
    expect((await del({ userIds: [user.userId] })).body).toEqual({ message: 'Users deleted successfully', deletedCount: 0 });
    expect((await getUser(user.userId)).status).toBe(404);
  });

  it('kills every session at once (InsForge web and mobile, Gorb), removes the profile and frees the email', async () => {
    const g = await gorbRegister();
    // The same account through the InsForge API: a mobile and a web session.
    const mobile = await signIn(g.email, PASSWORD, { client: 'mobile' });
    const web = await signIn(g.email, PASSWORD, { client: 'web' });
    expect((await gorbDevices(g.login.access_token)).status).toBe(200);
    expect((await patchProfile(mobile.accessToken, { profile: { name: 'Doomed' } })).status).toBe(200);
    expect((await current(web.accessToken)).status).toBe(200); // cached by identity now

    const admin = await adminSignIn();
    const r = await del({ userIds: [mobile.userId] }, bearer(admin.accessToken));
    expect(r.body).toEqual({ message: 'Users deleted successfully', deletedCount: 1 });

    // At once, with no waiting: identity, Gorb, refresh in both APIs, and profiles.
    expect((await current(mobile.accessToken)).status).toBe(401);
    expect((await current(web.accessToken)).status).toBe(401);
    expect((await gorbDevices(g.login.access_token)).status).toBe(401);
    expect((await refreshMobile(mobile.refreshToken!)).status).toBe(401);
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(401);
    expect((await gorbRefresh(g.login.refresh_token)).status).toBe(401);
    expect((await patchProfile(mobile.accessToken, { profile: { name: 'Back' } })).status).toBe(401);
    expect((await getProfile(mobile.userId)).status).toBe(404);
    expect((await getUser(mobile.userId)).body).toEqual(NOT_FOUND);
    expect(await signInRaw(g.email, PASSWORD)).toMatchObject({ status: 401, body: INVALID_CREDENTIALS });

    // The email is free: a new sign-up gets a new id; the old tokens stay dead.
    const again = await signUp({ email: g.email, name: 'Reborn' });
    expect(again.userId).not.toBe(mobile.userId);
    expect((await current(again.accessToken)).status).toBe(200);
    expect((await current(mobile.accessToken)).status).toBe(401);
    expect((await patchProfile(mobile.accessToken, { profile: { name: 'Ghost' } })).status).toBe(401);
    expect((await getProfile(again.userId)).body).toEqual({ id: again.userId, profile: { name: 'Reborn' } });
    expect((await getProfile(mobile.userId)).status).toBe(404);
  });

  it('race: deleting while the user refreshes answers no 5xx, and no token survives', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await signUp();
      const more = await Promise.all([signIn(user.email), signIn(user.email), signIn(user.email)]);
      const tokens = [user.refreshToken!, ...more.map((m) => m.refreshToken!)];
      const [deleted, ...refreshes] = await Promise.all([
        del({ userIds: [user.userId] }),
        ...tokens.flatMap((t) => [refreshMobile(t), refreshMobile(t)]),
      ]);
      expectNo5xx([deleted!, ...refreshes]);
      expect(deleted!.body.deletedCount).toBe(1);
      // Whatever the refreshes got, nothing works now.
      for (const r of refreshes.filter((x) => x.status === 200)) {
        expect((await current(r.body.accessToken)).status).toBe(401);
        expect((await refreshMobile(r.body.refreshToken)).status).toBe(401);
      }
      for (const t of tokens) expect((await refreshMobile(t)).status).toBe(401);
    }
  });
});

describe('ban and unban (ours)', () => {
  it('a ban kills every session at once and answers the user with bannedAt', async () => {
    const g = await gorbRegister();
    const mobile = await signIn(g.email);
    const web = await signIn(g.email, PASSWORD, { client: 'web' });
    expect((await current(mobile.accessToken)).status).toBe(200);
    const r = await ban(mobile.userId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: mobile.userId, email: g.email, bannedAt: expect.stringMatching(ISO_DATE) });
    expect((await current(mobile.accessToken)).status).toBe(401);
    expect((await current(web.accessToken)).status).toBe(401);
    expect((await gorbDevices(g.login.access_token)).status).toBe(401);
    expect((await refreshMobile(mobile.refreshToken!)).status).toBe(401);
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(401);
    expect((await gorbRefresh(g.login.refresh_token)).status).toBe(401);
    expect((await patchProfile(mobile.accessToken, { profile: { name: 'Banned but writing' } })).status).toBe(401);
    // Idempotent: a second ban keeps the first time.
    const again = await ban(mobile.userId);
    expect(again.body.bannedAt).toBe(r.body.bannedAt);
    expect((await getUser(mobile.userId)).body.bannedAt).toBe(r.body.bannedAt);
  });

  it('a banned user cannot sign in; the ban shows only after the password is proven', async () => {
    const g = await gorbRegister();
    const stranger = randomEmail('never-registered');
    await ban(g.login.uuid);
    // Wrong password: the usual answer, the same as for an email with no account.
    const wrong = await signInRaw(g.email, `${PASSWORD}!`);
    const unknown = await signInRaw(stranger, PASSWORD);
    expect(wrong).toMatchObject({ status: 401, body: INVALID_CREDENTIALS });
    expect(unknown).toMatchObject({ status: 401, body: INVALID_CREDENTIALS });
    expect(await gorbLogin(g.email, `${PASSWORD}!`)).toMatchObject({ status: 403, body: { message: 'Invalid credentials' } });
    // The right password: now the ban, in each API's shape.
    expect(await signInRaw(g.email, PASSWORD)).toMatchObject({ status: 403, body: BANNED });
    expect(await signInRaw(g.email, PASSWORD, { client: 'web' })).toMatchObject({ status: 403, body: BANNED });
    expect(await gorbLogin(g.email)).toMatchObject({ status: 403, body: { message: 'This account is banned' } });
    expect(await gorbLogin(g.identifier)).toMatchObject({ status: 403, body: { message: 'This account is banned' } });
    // No session was started by any of these.
    expect((await getUser(g.login.uuid)).body.bannedAt).toEqual(expect.stringMatching(ISO_DATE));
  });

  it('a banned user cannot sign in with an emailed code either', async () => {
    const user = await signUp();
    await ban(user.userId);
    expect((await call('POST', '/api/auth/email/send-otp', { body: { email: user.email }, ip: randomIp() })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(user.email))[0]!);
    const r = await call('POST', '/api/auth/sessions?client_type=mobile', {
      body: { method: 'otp', email: user.email, otp: code },
      ip: randomIp(),
    });
    expect(r).toMatchObject({ status: 403, body: BANNED });
  });

  it('unban: the user signs in again; the sessions the ban revoked stay dead', async () => {
    const user = await signUp();
    await ban(user.userId);
    const lifted = await unban(user.userId);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ id: user.userId, bannedAt: null });
    expect((await unban(user.userId)).body.bannedAt).toBeNull();
    expect((await current(user.accessToken)).status).toBe(401);
    expect((await refreshMobile(user.refreshToken!)).status).toBe(401);
    const back = await signIn(user.email);
    expect((await current(back.accessToken)).status).toBe(200);
    expect((await patchProfile(back.accessToken, { profile: { name: 'Welcome back' } })).status).toBe(200);
  });

  it('unknown users 404, malformed ids 400, a body is ignored', async () => {
    for (const route of [ban, unban]) {
      expect(await route(randomUUID())).toMatchObject({ status: 404, body: NOT_FOUND });
      expect(await route('not-a-uuid')).toMatchObject({ status: 400, body: INVALID_INPUT('Invalid user ID format') });
      expect((await route('a%00b')).status).toBe(400);
    }
  });

  it('race: a ban while the user signs in and refreshes leaves no live session', async () => {
    const user = await signUp();
    const [banned, ...others] = await Promise.all([
      ban(user.userId),
      signInRaw(user.email, PASSWORD),
      signInRaw(user.email, PASSWORD),
      refreshMobile(user.refreshToken!),
      gorbLogin(user.email),
    ]);
    expectNo5xx([banned!, ...others]);
    expect(banned!.status).toBe(200);
    for (const r of others) {
      if (r.status !== 200) continue;
      const token = r.body.accessToken ?? r.body.access_token;
      const check = r.body.access_token ? await gorbDevices(token) : await current(token);
      expect(check.status).toBe(401);
    }
    expect(await signInRaw(user.email, PASSWORD)).toMatchObject({ status: 403, body: BANNED });
  });
});
