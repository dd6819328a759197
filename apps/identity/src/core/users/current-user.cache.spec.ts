import type { Redis } from 'ioredis';
import { VerifiedTokens } from '@app/auth';
import type { UserResponse } from '@app/contracts';
import { CURRENT_USER_TTL_MS, CurrentUserCache } from './current-user.cache.js';

const user = (id: string) => ({ id, email: `${id}@x.co` }) as UserResponse;

describe('CurrentUserCache', () => {
  const publish = jest.fn(async () => 1);
  let cache: CurrentUserCache;
  beforeEach(() => {
    publish.mockClear();
    cache = new CurrentUserCache({ publish } as unknown as Redis, new VerifiedTokens());
  });

  it('answers for the same user and session only, until the TTL passes', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    cache.set('u1', 's1', user('u1'));
    expect(cache.get('u1', 's1')).toEqual(user('u1'));
    expect(cache.get('u2', 's1')).toBeUndefined();
    now.mockReturnValue(1_000 + CURRENT_USER_TTL_MS);
    expect(cache.get('u1', 's1')).toBeUndefined();
    now.mockRestore();
  });

  it('holds only the sessions of the last TTL: expired entries go as new ones come in, a refreshed one stays', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    for (let i = 0; i < 500; i++) cache.set('u', `old${i}`, user('u'));
    cache.set('u', 'kept', user('u'));
    now.mockReturnValue(1_000 + CURRENT_USER_TTL_MS - 1);
    cache.set('u', 'kept', user('u')); // refreshed: moves behind the others
    now.mockReturnValue(1_000 + CURRENT_USER_TTL_MS);
    cache.set('u', 'new', user('u'));
    expect(cache.size).toBe(2);
    expect(cache.get('u', 'kept')).toEqual(user('u'));
    expect(cache.get('u', 'new')).toEqual(user('u'));
    now.mockRestore();
  });

  it('forgets a revoked session and every session of a changed user, and tells the other replicas', () => {
    cache.set('u1', 's1', user('u1'));
    cache.set('u1', 's2', user('u1'));
    cache.set('u2', 's3', user('u2'));
    cache.invalidateSessions(['s1']);
    expect(cache.get('u1', 's1')).toBeUndefined();
    expect(cache.get('u1', 's2')).toBeDefined();
    cache.invalidateUsers(['u1']);
    expect(cache.get('u1', 's2')).toBeUndefined();
    expect(cache.get('u2', 's3')).toBeDefined();
    expect(publish).toHaveBeenCalledWith('auth:identity:invalidate', JSON.stringify({ sessions: ['s1'] }));
    expect(publish).toHaveBeenCalledWith('auth:identity:invalidate', JSON.stringify({ users: ['u1'] }));
  });

  it('makes the verified-token cache forget the same users and sessions, also on a message from another replica', () => {
    const verified = new VerifiedTokens();
    const principal = (userId: string, sessionId: string) => ({ userId, sessionId, email: 'x@y.co', role: 'authenticated', exp: 4e9 });
    verified.set('t1', principal('u1', 's1'), Date.now(), Number.MAX_SAFE_INTEGER);
    verified.set('t2', principal('u2', 's2'), Date.now(), Number.MAX_SAFE_INTEGER);
    verified.set('t3', principal('u3', 's3'), Date.now(), Number.MAX_SAFE_INTEGER);
    const c = new CurrentUserCache({ publish } as unknown as Redis, verified);
    c.invalidateUsers(['u1']);
    expect(verified.get('t1')).toBeUndefined();
    expect(verified.get('t2')).toBeDefined();
    c.invalidateSessions(['s2']);
    expect(verified.get('t2')).toBeUndefined();
    expect(verified.get('t3')).toBeDefined();
  });
});
