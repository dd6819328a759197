import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { IdentityConfig } from '../config/identity.config.js';
import type { ProfileReadModel } from './profile-read-model.js';
import { ProfileSyncWorker } from './profile-sync.worker.js';

const ID = '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab';
const event = (version: number, profile: Record<string, unknown> = { name: `v${version}` }) => ({
  userId: ID,
  profile,
  version,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

/** The read model's version guard, in memory. */
function fakeReadModel() {
  const row = { profile: {} as Record<string, unknown>, version: 0 };
  return {
    row,
    apply: jest.fn(async (e: { profile: Record<string, unknown>; version: number }) => {
      if (row.version >= e.version) return false;
      Object.assign(row, { profile: e.profile, version: e.version });
      return true;
    }),
  };
}

describe('ProfileSyncWorker.handle', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let readModel: ReturnType<typeof fakeReadModel>;
  let worker: ProfileSyncWorker;
  beforeEach(() => {
    readModel = fakeReadModel();
    worker = new ProfileSyncWorker(new IdentityConfig(), readModel as unknown as ProfileReadModel);
  });

  it('applies newer versions and ignores duplicates and stale ones', async () => {
    expect(await worker.handle({ name: 'profile.updated', data: event(2) })).toBe('applied');
    expect(await worker.handle({ name: 'profile.updated', data: event(2) })).toBe('stale');
    expect(await worker.handle({ name: 'profile.updated', data: event(1) })).toBe('stale');
    expect(await worker.handle({ name: 'profile.updated', data: event(3) })).toBe('applied');
    expect(readModel.row).toEqual({ profile: { name: 'v3' }, version: 3 });
  });

  it('rethrows read-model failures so BullMQ retries', async () => {
    readModel.apply.mockRejectedValueOnce(new Error('db down'));
    await expect(worker.handle({ name: 'profile.updated', data: event(1) })).rejects.toThrow('db down');
  });

  it.each([
    ['profile.updated', { ...event(1), userId: 'x' }],
    ['profile.updated', { ...event(1), version: 0 }],
    ['profile.updated', { ...event(1), version: '2' }],
    ['profile.updated', { ...event(1), profile: [] }],
    ['profile.updated', null],
    ['profile.deleted', event(1)],
  ])('fails %s %p for good: retrying cannot fix it', async (name, data) => {
    await expect(worker.handle({ name, data })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(readModel.apply).not.toHaveBeenCalled();
  });
});
