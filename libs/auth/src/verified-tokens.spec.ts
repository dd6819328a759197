import type { Principal } from './principal.js';
import { VERIFIED_TOKEN_TTL_MS, VerifiedTokens } from './verified-tokens.js';

const principal = (exp: number): Principal => ({ userId: 'u', email: 'a@b.co', sessionId: 's', role: 'authenticated', exp });

describe('VerifiedTokens', () => {
  it('trusts a verified token again until its expiry', () => {
    const v = new VerifiedTokens();
    v.set('t', principal(100), 90_000);
    expect(v.get('t', 95_000)).toEqual(principal(100));
    expect(v.get('t', 100_000)).toBeUndefined();
    expect(v.get('other', 95_000)).toBeUndefined();
  });

  it('never for longer than a minute, and never an expired token', () => {
    const v = new VerifiedTokens();
    v.set('t', principal(10_000), 0);
    expect(v.get('t', VERIFIED_TOKEN_TTL_MS - 1)).toBeDefined();
    expect(v.get('t', VERIFIED_TOKEN_TTL_MS)).toBeUndefined();
    v.set('old', principal(1), 5_000);
    expect(v.get('old', 5_000)).toBeUndefined();
  });

  it('forgets the tokens of named sessions and users, and only those', () => {
    const v = new VerifiedTokens();
    const p = (userId: string, sessionId: string): Principal => ({ ...principal(10_000), userId, sessionId });
    v.set('a1', p('a', 's1'), 0);
    v.set('a2', p('a', 's2'), 0);
    v.set('b3', p('b', 's3'), 0);
    v.set('c4', p('c', 's4'), 0);
    v.forget({ sessions: ['s3'] });
    expect(v.get('b3', 1)).toBeUndefined();
    expect(v.get('a1', 1)).toBeDefined();
    v.forget({ users: ['a'] });
    expect(v.get('a1', 1)).toBeUndefined();
    expect(v.get('a2', 1)).toBeUndefined();
    expect(v.get('c4', 1)).toBeDefined();
  });
});
