import type { Principal } from './principal.js';
import { VERIFIED_TOKEN_TTL_MS, VerifiedTokens } from './verified-tokens.js';

const principal = (exp: number): Principal => ({ userId: 'u', email: 'a@b.co', sessionId: 's', role: 'authenticated', exp });
const FAR = Number.MAX_SAFE_INTEGER;

describe('VerifiedTokens', () => {
  it('trusts a verified token again until its expiry', () => {
    const v = new VerifiedTokens();
    v.set('t', principal(100), 90_000, FAR);
    expect(v.get('t', 95_000)).toEqual(principal(100));
    expect(v.get('t', 100_000)).toBeUndefined();
    expect(v.get('other', 95_000)).toBeUndefined();
  });

  it('never for longer than a minute, and never an expired token', () => {
    const v = new VerifiedTokens();
    v.set('t', principal(10_000), 0, FAR);
    expect(v.get('t', VERIFIED_TOKEN_TTL_MS - 1)).toBeDefined();
    expect(v.get('t', VERIFIED_TOKEN_TTL_MS)).toBeUndefined();
    v.set('old', principal(1), 5_000, FAR);
    expect(v.get('old', 5_000)).toBeUndefined();
  });

  it('never past the moment its key must be looked up again (a retired key dies on time)', () => {
    const v = new VerifiedTokens();
    v.set('t', principal(10_000), 1_000, 3_000);
    expect(v.get('t', 2_999)).toBeDefined();
    expect(v.get('t', 3_000)).toBeUndefined();
    // a key whose deadline has passed (its resolver could not refresh) is not cached at all
    v.set('stale', principal(10_000), 5_000, 4_000);
    expect(v.get('stale', 5_000)).toBeUndefined();
    v.set('unknown', principal(10_000), 5_000);
    expect(v.get('unknown', 5_000)).toBeUndefined();
  });

  it('holds only the tokens of the last minute: expired entries go as new ones come in', () => {
    const v = new VerifiedTokens();
    for (let i = 0; i < 1000; i++) v.set(`early${i}`, principal(10_000), i, FAR);
    expect(v.size).toBe(1000);
    // a minute later, each new token pushes the dead ones out instead of piling up behind them
    for (let i = 0; i < 10; i++) v.set(`late${i}`, principal(10_000), VERIFIED_TOKEN_TTL_MS + 1000 + i, FAR);
    expect(v.size).toBe(10);
    expect(v.get('late9', VERIFIED_TOKEN_TTL_MS + 1010)).toBeDefined();
    expect(v.get('early999', VERIFIED_TOKEN_TTL_MS + 1010)).toBeUndefined();
  });

  it('keeps live entries behind a shorter-lived one until they expire', () => {
    const v = new VerifiedTokens();
    v.set('long', principal(10_000), 0, FAR); // until 60 s
    v.set('short', principal(2), 1, FAR); // until 2 s
    v.set('next', principal(10_000), 3_000, FAR); // the sweep stops at 'long', which is live
    expect(v.get('long', 3_000)).toBeDefined();
    expect(v.get('short', 3_000)).toBeUndefined();
    expect(v.get('next', 3_000)).toBeDefined();
  });
});
