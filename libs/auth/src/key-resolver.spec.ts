import { generateKeyPairSync } from 'node:crypto';
import { es256KeysOf, RemoteJwksResolver } from './key-resolver.js';

const jwkOf = (kid: string, extra: Record<string, unknown> = {}) => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid,
  alg: 'ES256',
  use: 'sig',
  ...extra,
});

/** A JWKS endpoint whose keys the test changes, counting fetches; and a clock the test moves. */
function setup(refreshSeconds = 10) {
  const state = { keys: [jwkOf('a'), jwkOf('b')], fetches: 0, down: false, now: 1_000_000 };
  const fetcher = async () => {
    state.fetches++;
    if (state.down) throw new Error('connection refused');
    return { keys: state.keys };
  };
  const resolver = new RemoteJwksResolver('http://identity/jwks', refreshSeconds, () => state.now, fetcher);
  return { state, resolver };
}

describe('RemoteJwksResolver', () => {
  it('fetches the set once per period and trusts its keys until the period ends', async () => {
    const { state, resolver } = setup(10);
    const first = await resolver.resolve('a');
    expect(first?.trustedUntil).toBe(1_000_000 + 10_000);
    state.now += 9_999;
    expect(await resolver.resolve('b')).toBeDefined();
    expect(state.fetches).toBe(1);
  });

  it('a retired kid stops resolving within one period', async () => {
    const { state, resolver } = setup(10);
    expect(await resolver.resolve('a')).toBeDefined();
    state.keys = state.keys.filter((k) => k.kid !== 'a');
    state.now += 5_000;
    expect(await resolver.resolve('a')).toBeDefined(); // still inside the period of the set that held it
    state.now += 5_000;
    expect(await resolver.resolve('a')).toBeUndefined();
    expect(await resolver.resolve('b')).toBeDefined();
    expect(state.fetches).toBe(2);
  });

  it('learns a new kid at once, but refetches for unknown kids at most every 30 s (or period)', async () => {
    const { state, resolver } = setup(60);
    await resolver.resolve('a');
    state.keys.push(jwkOf('c'));
    state.now += 30_000;
    expect(await resolver.resolve('c')).toBeDefined();
    expect(state.fetches).toBe(2);
    for (let i = 0; i < 20; i++) expect(await resolver.resolve(`garbage-${i}`)).toBeUndefined();
    expect(state.fetches).toBe(2);
    state.now += 30_000;
    await resolver.resolve('garbage');
    expect(state.fetches).toBe(3);
  });

  it('trusts nothing once the set is a period old and identity cannot be reached; retries at most once a second', async () => {
    const { state, resolver } = setup(10);
    await resolver.resolve('a');
    state.down = true;
    state.now += 10_000;
    expect(await resolver.resolve('a')).toBeUndefined();
    expect(await resolver.resolve('a')).toBeUndefined();
    expect(state.fetches).toBe(2);
    state.down = false;
    state.now += 1_000;
    expect(await resolver.resolve('a')).toBeDefined();
    expect(state.fetches).toBe(3);
  });

  it('shares one fetch between concurrent requests', async () => {
    const { state, resolver } = setup(10);
    const all = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve('a')));
    expect(all.every(Boolean)).toBe(true);
    expect(state.fetches).toBe(1);
  });

  it('keeps the period within 1..600 seconds', async () => {
    const { state } = setup();
    const fetcher = async () => ({ keys: state.keys });
    const tooLong = new RemoteJwksResolver('u', 86_400, () => 0, fetcher);
    expect((await tooLong.resolve('a'))?.trustedUntil).toBe(600_000);
    const zero = new RemoteJwksResolver('u', 0, () => 0, fetcher);
    expect((await zero.resolve('a'))?.trustedUntil).toBe(1_000);
  });
});

describe('es256KeysOf', () => {
  it('keeps ES256 signing keys only', () => {
    const keys = es256KeysOf({
      keys: [
        jwkOf('good'),
        jwkOf('no-alg', { alg: undefined, use: undefined }),
        jwkOf('rs', { alg: 'RS256' }),
        jwkOf('enc', { use: 'enc' }),
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        { kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', kid: 'broken' },
        jwkOf(7 as never),
      ],
    });
    expect([...keys.keys()]).toEqual(['good', 'no-alg']);
    expect(() => es256KeysOf({})).toThrow('not a JWKS document');
  });
});
