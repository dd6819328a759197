import { randomUUID } from 'node:crypto';
import { call } from '../harness/http.js';
import { type Account, bearer, deliver, eventually, getProfile, mintAccessToken, patchProfile, QUEUES, signIn, signUp } from './support.js';

const CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const meta = () => ({ occurredAt: new Date().toISOString(), requestId: `e2e-${randomUUID()}` });

/** The profile of a fresh account, once user.registered has gone through the queue. */
const registeredProfile = (a: Account) =>
  eventually(
    () => getProfile(a.id),
    (r) => r.status === 200,
    `profile of ${a.id}`,
  );

describe('profiles: sign-up, reads, owner writes, identity read model', () => {
  let ada: Account;
  beforeAll(async () => {
    ada = await signUp('Ada Lovelace');
  });

  it('sign-up creates the profile with the sign-up name (user.registered)', async () => {
    const r = await registeredProfile(ada);
    expect(r.body).toEqual({ id: ada.id, profile: { name: 'Ada Lovelace' } });
    expect(r.headers.get('etag')).toMatch(/^W\/"\d+"$/);
    expect(r.headers.get('cache-control')).toBe(CACHE_CONTROL);
  });

  it('a sign-up without a name gets an empty profile', async () => {
    const anon = await signUp();
    expect((await registeredProfile(anon)).body).toEqual({ id: anon.id, profile: {} });
  });

  it('If-None-Match with the current ETag -> 304 without a body; a changed profile -> 200 and a new ETag', async () => {
    const first = await registeredProfile(ada);
    const etag = first.headers.get('etag')!;
    const same = await getProfile(ada.id, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    expect(same.headers.get('cache-control')).toBe(CACHE_CONTROL);
    expect((await getProfile(ada.id, { 'if-none-match': `"nope", ${etag.replace(/^W\//, '')}` })).status).toBe(304);
    expect((await getProfile(ada.id, { 'if-none-match': '*' })).status).toBe(304);

    expect((await patchProfile(ada.accessToken, { profile: { etag_probe: randomUUID() } })).status).toBe(200);
    const changed = await getProfile(ada.id, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await getProfile(ada.id, { 'if-none-match': changed.headers.get('etag')! })).status).toBe(304);
    expect((await patchProfile(ada.accessToken, { profile: { etag_probe: null } })).status).toBe(200);
  });

  it('PATCH merges shallowly and answers {id, profile}; GET shows it; null removes a key', async () => {
    await registeredProfile(ada);
    const r = await patchProfile(ada.accessToken, {
      profile: { avatar_url: 'https://cdn.example.com/ada.png', bio: 'first programmer', links: { gh: 'ada' } },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      id: ada.id,
      profile: { name: 'Ada Lovelace', avatar_url: 'https://cdn.example.com/ada.png', bio: 'first programmer', links: { gh: 'ada' } },
    });
    expect((await getProfile(ada.id)).body).toEqual(r.body);

    const removed = await patchProfile(ada.accessToken, { profile: { bio: null, links: { x: 'lovelace' } } });
    expect(removed.body).toEqual({
      id: ada.id,
      profile: { name: 'Ada Lovelace', avatar_url: 'https://cdn.example.com/ada.png', links: { x: 'lovelace' } },
    });
    expect((await getProfile(ada.id)).body).toEqual(removed.body);
  });

  it("identity's sessions/current and next sign-in show the new profile (profile.updated)", async () => {
    await registeredProfile(ada);
    const wanted = { name: 'Ada L.', avatar_url: 'https://cdn.example.com/ada-2.png', motto: `m-${randomUUID()}` };
    const r = await patchProfile(ada.accessToken, { profile: wanted });
    expect(r.status).toBe(200);
    const expected = r.body.profile as Record<string, unknown>;
    expect(expected).toMatchObject(wanted);

    const current = await eventually(
      () => call('GET', '/api/auth/sessions/current', { headers: bearer(ada.accessToken) }),
      (c) => c.status === 200 && JSON.stringify(c.body.user?.profile) === JSON.stringify(expected),
      'identity to show the new profile in sessions/current',
    );
    expect(current.body.user).toMatchObject({ id: ada.id, email: ada.email, profile: expected });

    const login = await signIn(ada.email);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: ada.id, profile: expected });
  });

  it('GET: not a UUID -> 400 "Invalid user ID format"; unknown -> 404 AUTH_USER_NOT_FOUND, not cacheable', async () => {
    for (const id of ['not-a-uuid', 'current', '123', `${randomUUID()}x`]) {
      const r = await getProfile(id);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid user ID format', statusCode: 400 });
    }
    const missing = await getProfile(randomUUID());
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'AUTH_USER_NOT_FOUND', message: 'User not found', statusCode: 404 });
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(missing.headers.get('etag')).toBeNull();
  });

  it('GET is public: no token needed, and a bad token does not matter', async () => {
    await registeredProfile(ada);
    expect((await getProfile(ada.id, bearer('garbage'))).status).toBe(200);
  });
});

describe('profiles: events from identity (user.registered, user.deleted)', () => {
  it('a PATCH that arrives before user.registered creates the profile; the late event keeps it', async () => {
    const id = randomUUID();
    const token = await mintAccessToken({ sub: id });
    const r = await patchProfile(token, { profile: { name: 'Early Bird' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id, profile: { name: 'Early Bird' } });

    await deliver(QUEUES.PROFILES_INBOX, 'user.registered', {
      ...meta(),
      userId: id,
      email: 'early@example.com',
      profile: { name: 'Sign-up' },
    });
    expect((await getProfile(id)).body).toEqual({ id, profile: { name: 'Early Bird' } });
  });

  it('user.deleted removes the profile for good: no PATCH or late user.registered brings it back', async () => {
    const gone = await signUp('Soon Gone');
    await registeredProfile(gone);
    await deliver(QUEUES.PROFILES_INBOX, 'user.deleted', { ...meta(), userId: gone.id });
    expect((await getProfile(gone.id)).status).toBe(404);

    const patch = await patchProfile(gone.accessToken, { profile: { name: 'Back?' } });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual({ error: 'AUTH_USER_NOT_FOUND', message: 'User not found', statusCode: 404 });

    // a duplicate delete and a registration that comes late change nothing
    await deliver(QUEUES.PROFILES_INBOX, 'user.deleted', { ...meta(), userId: gone.id });
    await deliver(QUEUES.PROFILES_INBOX, 'user.registered', { ...meta(), userId: gone.id, email: gone.email, profile: { name: 'Zombie' } });
    expect((await getProfile(gone.id)).status).toBe(404);
  });
});
