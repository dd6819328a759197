import { Logger } from '@nestjs/common';
import type { Tx } from '@app/core';
import { ApiError } from '@app/core';
import type { ProfileEvents } from './profile-events.js';
import type { ProfileData } from './profile-rules.js';
import type { ProfilesRepository, StoredProfile } from './profiles.repository.js';
import { ProfilesService } from './profiles.service.js';

const ADA = '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab';
const meta = { occurredAt: '2026-01-01T00:00:00.000Z' };

/**
 * An in-memory stand-in for the repository with real transaction semantics: work happens on a copy
 * that is kept only if the transaction's callback resolves.
 */
function fakeRepo() {
  let rows = new Map<string, StoredProfile>();
  let deleted = new Set<string>();
  const revokedSessions = new Map<string, Date>();
  const pendingKeys = new Map<string, Set<string>>();
  const m = {} as Tx;
  const repo = {
    get rows() {
      return rows;
    },
    deleted: () => deleted,
    locks: [] as string[],
    transaction: jest.fn(async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
      const [savedRows, savedDeleted] = [new Map(rows), new Set(deleted)];
      try {
        return await work(m);
      } catch (e) {
        [rows, deleted] = [savedRows, savedDeleted];
        throw e;
      }
    }),
    lockUser: jest.fn(async (_m: unknown, id: string) => void repo.locks.push(id)),
    find: jest.fn(async (id: string) => rows.get(id) ?? null),
    isDeleted: jest.fn(async (_m: unknown, id: string) => deleted.has(id)),
    insert: jest.fn(async (_m: unknown, id: string, profile: ProfileData, pending: { ownerKeys: string[] } | null = null) => {
      if (rows.has(id)) return null;
      const row = { userId: id, profile, version: 1 };
      rows.set(id, row);
      if (pending) pendingKeys.set(id, new Set(pending.ownerKeys));
      return row;
    }),
    replace: jest.fn(async (_m: unknown, id: string, profile: ProfileData, ownerKeys: string[] = []) => {
      const row = { userId: id, profile, version: rows.get(id)!.version + 1 };
      rows.set(id, row);
      const keys = pendingKeys.get(id);
      if (keys) for (const k of ownerKeys) keys.add(k);
      return row;
    }),
    revokeSessions: jest.fn(async (_m: unknown, _userId: string, ids: string[], until: Date) => {
      for (const id of ids) revokedSessions.set(id, until);
    }),
    isSessionRevoked: jest.fn(async (_m: unknown, id: string) => (revokedSessions.get(id)?.getTime() ?? 0) > Date.now()),
    findPending: jest.fn(async (_m: unknown, id: string) => {
      const keys = pendingKeys.get(id);
      return keys ? { ...rows.get(id)!, ownerKeys: [...keys] } : null;
    }),
    completeRegistration: jest.fn(async (_m: unknown, id: string, profile: ProfileData) => {
      pendingKeys.delete(id);
      const row = { userId: id, profile, version: rows.get(id)!.version + 1 };
      rows.set(id, row);
      return row;
    }),
    deleteForever: jest.fn(async (_m: unknown, id: string) => {
      deleted.add(id);
      rows.delete(id);
    }),
  };
  return repo;
}

function fakeEvents() {
  return { recorded: [] as StoredProfile[], profileUpdated: jest.fn() };
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('ProfilesService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let repo: ReturnType<typeof fakeRepo>;
  let events: ReturnType<typeof fakeEvents>;
  let profiles: ProfilesService;
  beforeEach(() => {
    repo = fakeRepo();
    events = fakeEvents();
    events.profileUpdated.mockImplementation(async (_m: unknown, p: StoredProfile) => void events.recorded.push(p));
    profiles = new ProfilesService(repo as unknown as ProfilesRepository, events as unknown as ProfileEvents);
  });

  describe('get', () => {
    it('returns the stored profile', async () => {
      await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } });
      expect(await profiles.get(ADA)).toEqual({ userId: ADA, profile: { name: 'Ada' }, version: 1 });
    });

    it('an unknown user is 404 AUTH_USER_NOT_FOUND "User not found", not cacheable', async () => {
      const e = await apiError(profiles.get(ADA));
      expect([e.getStatus(), e.code, e.message]).toEqual([404, 'AUTH_USER_NOT_FOUND', 'User not found']);
      expect(e.headers).toEqual({ 'cache-control': 'no-store' });
    });
  });

  describe('update', () => {
    beforeEach(() => profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada', bio: 'x' } }));

    it('merges, removes null keys, bumps the version and records profile.updated in the same transaction', async () => {
      const saved = await profiles.update(ADA, { avatar_url: 'https://x.test/a.png', bio: null }, 'req-1');
      expect(saved).toEqual({ userId: ADA, profile: { name: 'Ada', avatar_url: 'https://x.test/a.png' }, version: 2 });
      expect(events.recorded).toEqual([saved]);
      expect(events.profileUpdated).toHaveBeenCalledWith(expect.anything(), saved, 'req-1');
      expect(repo.locks).toContain(ADA);
    });

    it('bumps the version on every change', async () => {
      await profiles.update(ADA, { a: 1 });
      expect((await profiles.update(ADA, { a: 2 })).version).toBe(3);
    });

    it('creates the profile when user.registered has not arrived yet', async () => {
      const bob = '0e0e0e0e-1111-4222-8333-444444444444';
      const saved = await profiles.update(bob, { name: 'Bob', gone: null });
      expect(saved).toEqual({ userId: bob, profile: { name: 'Bob' }, version: 1 });
      expect(events.recorded).toEqual([saved]);
    });

    it('a deleted user gets 404 and nothing is recorded', async () => {
      await profiles.onUserDeleted({ ...meta, userId: ADA });
      const e = await apiError(profiles.update(ADA, { name: 'again' }));
      expect([e.getStatus(), e.code]).toEqual([404, 'AUTH_USER_NOT_FOUND']);
      expect(repo.rows.has(ADA)).toBe(false);
      expect(events.recorded).toEqual([]);
    });

    it('refuses a patch that would push the merged profile over the limits, changing nothing', async () => {
      for (let i = 0; i < 48; i++) await profiles.update(ADA, { [`k${i}`]: i });
      const before = await profiles.get(ADA);
      expect(Object.keys(before.profile)).toHaveLength(50);
      const e = await apiError(profiles.update(ADA, { one: 'more' }));
      expect([e.getStatus(), e.code, e.message]).toEqual([400, 'INVALID_INPUT', 'profile: must have at most 50 keys']);
      expect(await profiles.get(ADA)).toEqual(before);
      // removing one key in the same patch makes room
      expect((await profiles.update(ADA, { one: 'more', k0: null })).profile).toHaveProperty('one', 'more');
    });
  });

  describe('onUserRegistered', () => {
    it('creates the profile with the sign-up profile at version 1, without an event (identity has it)', async () => {
      expect(await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } })).toBe('created');
      expect(repo.rows.get(ADA)).toEqual({ userId: ADA, profile: { name: 'Ada' }, version: 1 });
      expect(events.recorded).toEqual([]);
    });

    it('is idempotent: a redelivery keeps what is there', async () => {
      await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } });
      await profiles.update(ADA, { bio: 'first' });
      expect(await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } })).toBe('exists');
      expect(repo.rows.get(ADA)).toEqual({ userId: ADA, profile: { name: 'Ada', bio: 'first' }, version: 2 });
    });

    it('after a PATCH that came first, merges the sign-up fields into the keys the owner has not written, once', async () => {
      await profiles.update(ADA, { bio: 'first' });
      await profiles.update(ADA, { avatar_url: 'https://x.test/a.png' });
      const signUp = { ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } };
      expect(await profiles.onUserRegistered(signUp)).toBe('merged');
      const merged = { userId: ADA, profile: { name: 'Ada', bio: 'first', avatar_url: 'https://x.test/a.png' }, version: 3 };
      expect(repo.rows.get(ADA)).toEqual(merged);
      // identity learns the merged profile, with a newer version than anything it has seen
      expect(events.recorded.at(-1)).toEqual(merged);
      expect(await profiles.onUserRegistered(signUp)).toBe('exists');
      expect(repo.rows.get(ADA)).toEqual(merged);
    });

    it('a key the owner set or removed before the registration keeps the owner’s write', async () => {
      await profiles.update(ADA, { name: 'Ada L.' });
      expect(await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada', x: 1 } })).toBe('merged');
      expect(repo.rows.get(ADA)!.profile).toEqual({ name: 'Ada L.', x: 1 });

      const bob = '0e0e0e0e-1111-4222-8333-444444444444';
      await profiles.update(bob, { name: 'Bob', bio: 'b' });
      await profiles.update(bob, { name: null });
      expect(await profiles.onUserRegistered({ ...meta, userId: bob, email: 'b@b.co', profile: { name: 'Robert' } })).toBe('merged');
      expect(repo.rows.get(bob)!.profile).toEqual({ bio: 'b' });
    });

    it('never resurrects a deleted user', async () => {
      await profiles.onUserDeleted({ ...meta, userId: ADA });
      expect(await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: {} })).toBe('deleted');
      expect(repo.rows.has(ADA)).toBe(false);
    });

    it('stores {} when the event carries no usable profile', async () => {
      await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: null as never });
      expect(repo.rows.get(ADA)!.profile).toEqual({});
    });
  });

  describe('onSessionsRevoked', () => {
    const S1 = '11111111-1111-4111-8111-111111111111';
    const S2 = '22222222-2222-4222-8222-222222222222';
    const later = () => new Date(Date.now() + 60_000).toISOString();

    it('a revoked session writes nothing (401, as for an invalid token); another session of the user still does', async () => {
      await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: { name: 'Ada' } });
      await profiles.onSessionsRevoked({ ...meta, userId: ADA, sessionIds: [S1], tokensExpireBy: later() });
      const e = await apiError(profiles.update(ADA, { name: 'stranger' }, 'r', S1));
      expect([e.getStatus(), e.code, e.message]).toEqual([401, 'AUTH_UNAUTHORIZED', 'Invalid token']);
      expect(repo.rows.get(ADA)!.profile).toEqual({ name: 'Ada' });
      expect((await profiles.update(ADA, { name: 'owner' }, 'r', S2)).profile).toEqual({ name: 'owner' });
    });

    it('ignores ids that are not UUIDs and revocations whose tokens have expired anyway', async () => {
      await profiles.onSessionsRevoked({ ...meta, userId: ADA, sessionIds: ['nope'], tokensExpireBy: later() });
      await profiles.onSessionsRevoked({ ...meta, userId: ADA, sessionIds: [S1], tokensExpireBy: new Date(Date.now() - 1).toISOString() });
      expect(repo.revokeSessions).not.toHaveBeenCalled();
    });
  });

  describe('onUserDeleted', () => {
    it('deletes the profile and remembers the user; a second delivery is harmless', async () => {
      await profiles.onUserRegistered({ ...meta, userId: ADA, email: 'a@b.co', profile: {} });
      await profiles.onUserDeleted({ ...meta, userId: ADA });
      await profiles.onUserDeleted({ ...meta, userId: ADA });
      expect(repo.rows.has(ADA)).toBe(false);
      expect(repo.deleted().has(ADA)).toBe(true);
      expect(repo.locks.filter((id) => id === ADA).length).toBeGreaterThanOrEqual(3);
    });
  });
});
