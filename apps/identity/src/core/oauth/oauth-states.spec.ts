import type { Redis } from 'ioredis';
import type { IdentityConfig } from '../config/identity.config.js';
import { OAuthStates } from './oauth-states.js';

/** Redis SET … NX as the one command OAuthStates uses (no I/O). */
function fakeRedis() {
  const keys = new Set<string>();
  return {
    keys,
    set: (key: string, _v: string, _ex: string, _ttl: number, nx: string) => {
      if (nx === 'NX' && keys.has(key)) return Promise.resolve(null);
      keys.add(key);
      return Promise.resolve('OK');
    },
  };
}

const config = (secret = 'unit-secret-unit-secret-unit-secret-unit', ttl = 600) =>
  ({ AUTH_HMAC_SECRET: secret, OAUTH_STATE_TTL_SECONDS: ttl }) as IdentityConfig;
const claims = { provider: 'google', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43) };

describe('OAuthStates', () => {
  it('opens what it issued, with the same flow binding; the binding is secret-derived and per flow', async () => {
    const states = new OAuthStates(config(), fakeRedis() as unknown as Redis);
    const a = await states.issue(claims);
    const b = await states.issue(claims);
    const opened = await states.open(a.state);
    expect(opened?.claims).toMatchObject(claims);
    expect(opened?.flow).toEqual(a.flow);
    expect(a.flow.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.flow.codeVerifier).not.toBe(b.flow.codeVerifier);
    expect(a.flow.nonce).not.toBe(a.flow.codeVerifier);
    // another replica with the same secret rebuilds the same binding; another secret opens nothing
    expect((await new OAuthStates(config(), fakeRedis() as unknown as Redis).open(a.state))?.flow).toEqual(a.flow);
    expect(
      await new OAuthStates(config('another-secret-another-secret-another'), fakeRedis() as unknown as Redis).open(a.state),
    ).toBeNull();
  });

  it('refuses tampered, unsigned, oversized and expired states', async () => {
    const states = new OAuthStates(config(), fakeRedis() as unknown as Redis);
    const { state } = await states.issue(claims);
    const [h, p, s] = state.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forge = (o: object) => `${h}.${Buffer.from(JSON.stringify({ ...payload, ...o })).toString('base64url')}.${s}`;
    expect(await states.open(forge({ provider: 'github' }))).toBeNull();
    expect(await states.open(forge({ redirectUri: 'https://evil.example' }))).toBeNull();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-state+jwt' })).toString('base64url')}.${p}.`;
    expect(await states.open(none)).toBeNull();
    expect(await states.open('x'.repeat(5000))).toBeNull();
    expect(await states.open('not-a-jwt')).toBeNull();
    const expired = new OAuthStates(config(undefined, -1), fakeRedis() as unknown as Redis);
    expect(await expired.open((await expired.issue(claims)).state)).toBeNull();
  });

  it('is used once', async () => {
    const redis = fakeRedis();
    const states = new OAuthStates(config(), redis as unknown as Redis);
    const opened = (await states.open((await states.issue(claims)).state))!;
    expect(await states.consume(opened.claims)).toBe(true);
    expect(await states.consume(opened.claims)).toBe(false);
    expect([...redis.keys]).toEqual([`oauth:state-used:${opened.claims.jti}`]);
  });
});
