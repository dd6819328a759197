import { UnrecoverableError } from 'bullmq';
import { ProfilesConfig } from '../profiles.config.js';
import type { ProfilesService } from '../profiles/profiles.service.js';
import { ProfilesInboxWorker } from './profiles-inbox.worker.js';

const ID = '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab';
const meta = { occurredAt: '2026-01-01T00:00:00.000Z' };

describe('ProfilesInboxWorker.handle', () => {
  const service = {
    onUserRegistered: jest.fn(async () => 'created'),
    onUserDeleted: jest.fn(async () => undefined),
    onSessionsRevoked: jest.fn(async () => undefined),
  };
  const worker = new ProfilesInboxWorker(new ProfilesConfig(), service as unknown as ProfilesService);
  beforeEach(() => jest.clearAllMocks());

  it('hands user.registered to the service', async () => {
    const data = { ...meta, userId: ID, email: 'a@b.co', profile: { name: 'Ada' } };
    expect(await worker.handle({ name: 'user.registered', data })).toBe('created');
    expect(service.onUserRegistered).toHaveBeenCalledWith(data);
  });

  it('hands user.deleted to the service', async () => {
    expect(await worker.handle({ name: 'user.deleted', data: { ...meta, userId: ID } })).toBe('deleted');
    expect(service.onUserDeleted).toHaveBeenCalledWith({ ...meta, userId: ID });
  });

  it('hands user.sessions-revoked to the service', async () => {
    const data = { ...meta, userId: ID, sessionIds: [ID], tokensExpireBy: meta.occurredAt };
    expect(await worker.handle({ name: 'user.sessions-revoked', data })).toBe('revoked');
    expect(service.onSessionsRevoked).toHaveBeenCalledWith(data);
  });

  it('rethrows service failures so BullMQ retries', async () => {
    service.onUserDeleted.mockRejectedValueOnce(new Error('db down'));
    await expect(worker.handle({ name: 'user.deleted', data: { ...meta, userId: ID } })).rejects.toThrow('db down');
  });

  it.each([
    ['user.registered', { ...meta, userId: 'nope', profile: {} }],
    ['user.deleted', {}],
    ['user.deleted', null],
    ['user.renamed', { ...meta, userId: ID }],
    ['user.sessions-revoked', { ...meta, userId: ID, sessionIds: 'all' }],
  ])('fails %s %p for good (no retries): retrying cannot fix it', async (name, data) => {
    await expect(worker.handle({ name, data })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(service.onUserRegistered).not.toHaveBeenCalled();
    expect(service.onUserDeleted).not.toHaveBeenCalled();
  });
});
