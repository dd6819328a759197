import { toUserResponse } from './user.mapper.js';
import type { UserRecord } from './users.repository.js';

const base: UserRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'a@b.co',
  username: 'alice',
  passwordHash: '$argon2id$secret',
  emailVerified: true,
  profile: { name: 'A' },
  metadata: {},
  providers: ['google'],
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

describe('toUserResponse', () => {
  it('whitelists InsForge fields and never leaks the hash or the username', () => {
    const u = toUserResponse(base);
    expect(Object.keys(u).sort()).toEqual(['createdAt', 'email', 'emailVerified', 'id', 'metadata', 'profile', 'providers', 'updatedAt']);
    expect(JSON.stringify(u)).not.toContain('argon2');
    expect(u.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('lists "email" as a provider only when a password is set', () => {
    expect(toUserResponse(base).providers).toEqual(['email', 'google']);
    expect(toUserResponse({ ...base, passwordHash: null }).providers).toEqual(['google']);
  });
});
