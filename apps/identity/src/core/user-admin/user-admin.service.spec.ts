import { USERS_LIST_MAX_LIMIT } from '@app/contracts';
import { parsePage, toAdminUserResponse } from './user-admin.service.js';
import { containsPattern } from '../users/user-directory.repository.js';

describe('parsePage (InsForge’s lenient reading, plus our bound on limit)', () => {
  it.each([
    [undefined, undefined, 10, 0],
    ['25', '50', 25, 50],
    ['0', '-5', 10, 0],
    ['-3', 'abc', 1, 0],
    ['abc', '7.9', 10, 7],
    ['12abc', '3e2', 12, 3],
    [String(USERS_LIST_MAX_LIMIT + 1), '0', USERS_LIST_MAX_LIMIT, 0],
    ['99999999999999999999999', '99999999999999999999999', USERS_LIST_MAX_LIMIT, Number.MAX_SAFE_INTEGER],
    ['', '', 10, 0],
  ])('limit %p offset %p → %p, %p', (limit, offset, l, o) => {
    expect(parsePage(limit, offset)).toEqual({ limit: l, offset: o });
  });
});

describe('containsPattern', () => {
  it('matches the term literally as a substring', () => {
    expect(containsPattern('ada')).toBe('%ada%');
    expect(containsPattern('%')).toBe('%\\%%');
    expect(containsPattern('a_b')).toBe('%a\\_b%');
    expect(containsPattern('back\\slash')).toBe('%back\\\\slash%');
    expect(containsPattern("'; DROP TABLE x; --")).toBe("%'; DROP TABLE x; --%");
  });
});

describe('toAdminUserResponse', () => {
  const base = {
    id: '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab',
    email: 'a@b.co',
    username: 'ada',
    passwordHash: 'hash',
    emailVerified: true,
    profile: { name: 'Ada' },
    metadata: {},
    providers: ['google'],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
  };

  it('is InsForge’s user object plus bannedAt, and nothing secret', () => {
    const out = toAdminUserResponse({ ...base, bannedAt: new Date('2026-01-03T00:00:00Z') });
    expect(out).toEqual({
      id: base.id,
      email: 'a@b.co',
      emailVerified: true,
      providers: ['email', 'google'],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      profile: { name: 'Ada' },
      metadata: {},
      bannedAt: '2026-01-03T00:00:00.000Z',
    });
    expect(toAdminUserResponse({ ...base, bannedAt: null }).bannedAt).toBeNull();
  });
});
