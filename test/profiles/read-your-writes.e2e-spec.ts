import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { QUEUE_PREFIX } from '@app/core';
import { PORTS } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { bearer, deliver, eventually, getProfile, PASSWORD, patchProfile, QUEUES, signUp } from './support.js';

/**
 * Read your writes across identity and profiles: whatever order identity's `user.registered` and
 * the owner's first PATCH reach profiles in, a client that signs up sees its sign-up fields at
 * once and no write is lost.
 */

const meta = () => ({ occurredAt: new Date().toISOString(), requestId: `e2e-${randomUUID()}` });
const current = (token: string) => call('GET', '/api/auth/sessions/current', { headers: bearer(token) });

/** Holds every job of profiles' inbox (BullMQ pause: the worker takes none) while `work` runs. */
async function withInboxPaused<T>(work: () => Promise<T>): Promise<T> {
  const q = new Queue(QUEUES.PROFILES_INBOX, { prefix: QUEUE_PREFIX, connection: { host: '127.0.0.1', port: PORTS.redis } });
  await q.pause();
  try {
    return await work();
  } finally {
    await q.resume();
    await q.close();
  }
}

describe('profiles read your writes: sign-up, then read or write at once', () => {
  it('40 parallel sign-ups each read their own profile right after the answer, with the sign-up name', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const name = `Instant ${i} ${randomBytes(3).toString('hex')}`;
        const a = await signUp(name);
        // The very next request, no wait: the profile is there.
        const r = await getProfile(a.id);
        return { status: r.status, body: r.body, expected: { id: a.id, profile: { name } } };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(r.expected);
    }
  });

  it('a Gorb registration and an email-less profile are there at once too', async () => {
    const identifier = `ryw_${randomBytes(5).toString('hex')}`;
    const g = await call('POST', '/v1/register', {
      body: { identifier, email: randomEmail('ryw'), password: PASSWORD, device_name: 'x' },
      ip: randomIp(),
    });
    expect(g.status).toBe(200);
    const r = await getProfile(g.body.uuid);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: g.body.uuid, profile: {} });
  });

  it('20 parallel sign-ups that PATCH at once keep both the sign-up name and the patch', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const name = `Patcher ${i}`;
        const a = await signUp(name);
        const p = await patchProfile(a.accessToken, { profile: { bio: `bio ${i}` } });
        const r = await getProfile(a.id);
        return { a, name, i, p, r };
      }),
    );
    for (const { a, name, i, p, r } of results) {
      expect(p.status).toBe(200);
      expect(p.body).toEqual({ id: a.id, profile: { name, bio: `bio ${i}` } });
      expect(r.body).toEqual({ id: a.id, profile: { name, bio: `bio ${i}` } });
    }
  });
});

describe('profiles: the owner’s PATCH overtakes user.registered (the event held in the queue)', () => {
  it('the PATCH creates the profile; the late event adds the sign-up name and keeps the patch; identity sees both', async () => {
    const { a, patched } = await withInboxPaused(async () => {
      const account = await signUp('Late Name');
      // profiles has not seen the registration: the PATCH is the first thing it learns.
      expect((await getProfile(account.id)).status).toBe(404);
      return { a: account, patched: await patchProfile(account.accessToken, { profile: { bio: 'written first' } }) };
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: a.id, profile: { bio: 'written first' } });
    const merged = await eventually(
      () => getProfile(a.id),
      (r) => r.status === 200 && r.body.profile.name === 'Late Name',
      'the late registration to be merged',
    );
    expect(merged.body).toEqual({ id: a.id, profile: { name: 'Late Name', bio: 'written first' } });
    // identity's copy converges on the same profile (profile.updated with the newer version)
    await eventually(
      () => current(a.accessToken),
      (r) => r.status === 200 && r.body.user.profile.bio === 'written first' && r.body.user.profile.name === 'Late Name',
      'identity to show the merged profile',
    );
    // a redelivered registration changes nothing
    const etag = merged.headers.get('etag');
    await deliver(QUEUES.PROFILES_INBOX, 'user.registered', { ...meta(), userId: a.id, email: a.email, profile: { name: 'Late Name' } });
    const after = await getProfile(a.id);
    expect(after.body).toEqual(merged.body);
    expect(after.headers.get('etag')).toBe(etag);
  });

  it('a name the owner set or removed before the registration stays as the owner wrote it', async () => {
    const [renamed, removed] = await withInboxPaused(async () => {
      const [x, y] = await Promise.all([signUp('Sign-up X'), signUp('Sign-up Y')]);
      expect((await patchProfile(x.accessToken, { profile: { name: 'Owner X' } })).status).toBe(200);
      expect((await patchProfile(y.accessToken, { profile: { name: 'Temp', city: 'Oslo' } })).status).toBe(200);
      expect((await patchProfile(y.accessToken, { profile: { name: null } })).status).toBe(200);
      return [x, y];
    });
    // Each registration, once the queue runs, is one more version: PATCH(es), then the merge.
    for (const [a, expected, version] of [
      [renamed, { name: 'Owner X' }, 2],
      [removed, { city: 'Oslo' }, 3],
    ] as const) {
      const r = await eventually(
        () => getProfile(a.id),
        (x) => x.headers.get('etag') === `W/"${version}"`,
        `the registration of ${a.id} to be applied`,
      );
      expect(r.body).toEqual({ id: a.id, profile: expected });
      await eventually(
        () => current(a.accessToken),
        (x) => x.status === 200 && JSON.stringify(x.body.user.profile) === JSON.stringify(expected),
        `identity to show ${JSON.stringify(expected)}`,
      );
    }
  });
});
