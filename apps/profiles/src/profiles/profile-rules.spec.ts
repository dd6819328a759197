import { ApiError } from '@app/core';
import { checkSize, mergeProfile, mergeSignUpFields, parseProfilePatch, PROFILE_LIMITS } from './profile-rules.js';

/** The 400 message a body gets (status and code checked too), or 'ok'. */
function verdict(body: unknown): string {
  let error: unknown;
  try {
    parseProfilePatch(body);
  } catch (e) {
    error = e;
  }
  if (error === undefined) return 'ok';
  if (!(error instanceof ApiError)) throw error;
  return `${error.getStatus()} ${error.code}` === '400 INVALID_INPUT' ? error.message : `unexpected ${error.getStatus()} ${error.code}`;
}

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { k: nested(depth - 1) });

describe('parseProfilePatch', () => {
  it('accepts a typical profile and returns it', () => {
    const profile = {
      name: 'Ada',
      avatar_url: 'https://cdn.example.com/a.png',
      bio: 'hi',
      tags: ['x', 1, true, null],
      links: { gh: 'ada' },
    };
    expect(parseProfilePatch({ profile })).toBe(profile);
  });

  it.each([[undefined], [null], ['text'], [42], [[{ name: 'a' }]], [true]])('refuses profile %p: not an object', (profile) => {
    expect(verdict({ profile })).toBe('profile: must be a JSON object');
  });

  it.each(['id', 'userId', 'user_id', 'sub', 'anything'])(
    'refuses a top-level %s beside profile: the user comes from the token only',
    (key) => {
      expect(verdict({ [key]: '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab', profile: { name: 'x' } })).toBe(
        `${key}: unknown field (the body is {"profile": {…}})`,
      );
    },
  );

  it('names an odd unknown key safely', () => {
    expect(verdict({ 'a b': 1, profile: {} })).toBe('["a b"]: unknown field (the body is {"profile": {…}})');
  });

  it('refuses a body without profile', () => {
    expect(verdict({ name: 'x' })).toBe('profile: must be a JSON object');
    expect(verdict(undefined)).toBe('profile: must be a JSON object');
  });

  it(`allows ${PROFILE_LIMITS.maxKeys} keys, not one more`, () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(verdict({ profile: keys(PROFILE_LIMITS.maxKeys) })).toBe('ok');
    expect(verdict({ profile: keys(PROFILE_LIMITS.maxKeys + 1) })).toBe('profile: must have at most 50 keys');
  });

  it('allows depth 3 (the profile is level 1), not 4, for objects and arrays', () => {
    expect(verdict({ profile: { a: { b: { c: 1 } } } })).toBe('ok');
    expect(verdict({ profile: { a: { b: [1, 2] } } })).toBe('ok');
    expect(verdict({ profile: { a: { b: { c: {} } } } })).toBe('profile.a.b.c: nested too deeply (at most 3 levels)');
    expect(verdict({ profile: { a: [[[1]]] } })).toBe('profile.a[0][0]: nested too deeply (at most 3 levels)');
    expect(verdict({ profile: nested(30) as object })).toMatch(/^profile\.k\.k\.k: nested too deeply/);
  });

  it(`refuses more than ${PROFILE_LIMITS.maxBytes} bytes of JSON, counting UTF-8 bytes`, () => {
    expect(verdict({ profile: { bio: 'x'.repeat(16_000) } })).toBe('ok');
    expect(verdict({ profile: { bio: 'x'.repeat(17_000) } })).toBe('profile: must be at most 16384 bytes as JSON');
    expect(verdict({ profile: { bio: 'é'.repeat(9000) } })).toBe('profile: must be at most 16384 bytes as JSON');
  });

  it('checks name: a string of at most 100 characters (code points); null removes it', () => {
    expect(verdict({ profile: { name: 'n'.repeat(100) } })).toBe('ok');
    expect(verdict({ profile: { name: '😀'.repeat(100) } })).toBe('ok');
    expect(verdict({ profile: { name: '' } })).toBe('ok');
    expect(verdict({ profile: { name: null } })).toBe('ok');
    expect(verdict({ profile: { name: 'n'.repeat(101) } })).toBe('profile.name: must be at most 100 characters');
    expect(verdict({ profile: { name: 42 } })).toBe('profile.name: must be a string');
    expect(verdict({ profile: { name: { first: 'a' } } })).toBe('profile.name: must be a string');
  });

  it.each([
    ['https://cdn.example.com/a.png', 'ok'],
    ['http://127.0.0.1:8080/a.png', 'ok'],
    ['HTTPS://EXAMPLE.COM/x', 'ok'],
    ['javascript:alert(1)', 'bad'],
    ['data:image/png;base64,AAAA', 'bad'],
    ['ftp://example.com/a.png', 'bad'],
    ['//example.com/a.png', 'bad'],
    ['not a url', 'bad'],
    ['https://', 'bad'],
    ['', 'bad'],
    [`https://example.com/${'a'.repeat(2100)}`, 'bad'],
    [42, 'bad'],
  ])('checks avatar_url %p', (url, expected) => {
    expect(verdict({ profile: { avatar_url: url } })).toBe(expected === 'ok' ? 'ok' : 'profile.avatar_url: must be an http(s) URL');
  });

  it('refuses keys that reach prototypes, at any level, naming them', () => {
    expect(verdict({ profile: JSON.parse('{"__proto__":{"admin":true}}') })).toBe('profile.__proto__: key not allowed');
    expect(verdict({ profile: { constructor: { prototype: { admin: true } } } })).toBe('profile.constructor: key not allowed');
    expect(verdict({ profile: { a: { prototype: 1 } } })).toBe('profile.a.prototype: key not allowed');
    expect(verdict({ profile: { list: [JSON.parse('{"__proto__":1}')] } })).toBe('profile.list[0].__proto__: key not allowed');
  });

  it('refuses what jsonb cannot store, instead of failing in the database', () => {
    expect(verdict({ profile: { bio: 'a\u0000b' } })).toBe('profile.bio: must not contain NUL characters or unpaired surrogates');
    expect(verdict({ profile: { bio: 'a\ud800b' } })).toBe('profile.bio: must not contain NUL characters or unpaired surrogates');
    expect(verdict({ profile: { bio: '😀 fine' } })).toBe('ok');
    expect(verdict({ profile: { 'a\u0000': 1 } })).toBe('profile: keys must not contain NUL characters or unpaired surrogates');
    expect(verdict({ profile: { n: Infinity } })).toBe('profile.n: must be a finite number');
  });

  it('names odd keys unambiguously', () => {
    expect(verdict({ profile: { 'a.b': { 'c d': { e: [] } } } })).toBe('profile["a.b"]["c d"].e: nested too deeply (at most 3 levels)');
  });
});

describe('mergeProfile', () => {
  it('merges shallowly, as InsForge: patch keys win, nested objects are replaced whole', () => {
    expect(mergeProfile({ name: 'A', links: { gh: 'a', x: 'b' } }, { links: { gh: 'c' }, bio: 'hi' })).toEqual({
      name: 'A',
      links: { gh: 'c' },
      bio: 'hi',
    });
  });

  it('removes a key set to null (our extension); a missing key is a no-op', () => {
    expect(mergeProfile({ name: 'A', bio: 'x' }, { bio: null, gone: null })).toEqual({ name: 'A' });
  });

  it('does not mutate its inputs and never touches a prototype', () => {
    const current = { name: 'A' };
    const patch = JSON.parse('{"__proto__":{"polluted":true},"bio":"b"}') as Record<string, unknown>;
    const merged = mergeProfile(current, patch);
    expect(current).toEqual({ name: 'A' });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['name', '__proto__', 'bio']);
  });
});

describe('checkSize', () => {
  it('holds the merged profile to the same limits', () => {
    const big = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(() => checkSize(big)).toThrow('profile: must have at most 50 keys');
    expect(() => checkSize({ a: 'x'.repeat(16_000), b: 'y'.repeat(1000) })).toThrow('profile: must be at most 16384 bytes as JSON');
  });
});

describe('mergeSignUpFields', () => {
  it('fills only keys the owner has neither set nor removed', () => {
    expect(mergeSignUpFields({ bio: 'b' }, { name: 'Ada' }, ['bio'])).toEqual({ name: 'Ada', bio: 'b' });
    expect(mergeSignUpFields({ name: 'Mine' }, { name: 'Ada' }, ['name'])).toEqual({ name: 'Mine' });
    expect(mergeSignUpFields({}, { name: 'Ada' }, ['name'])).toEqual({});
    expect(mergeSignUpFields({}, {}, [])).toEqual({});
  });

  it('never lets a sign-up field reach a prototype', () => {
    const merged = mergeSignUpFields({}, JSON.parse('{"__proto__": {"polluted": true}, "name": "A"}') as Record<string, unknown>, []);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merged.name).toBe('A');
  });
});
