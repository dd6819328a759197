import { forbiddenInputOf, forbiddenStringIn, hasForbiddenChars } from './input-rules.js';

const req = (over: Partial<Parameters<typeof forbiddenInputOf>[0]> = {}) => ({
  url: '/api/auth/users',
  headers: { 'user-agent': 'jest' },
  query: {},
  params: {},
  body: undefined,
  ...over,
});

describe('hasForbiddenChars', () => {
  it.each([
    ['a\u0000b', true],
    ['\uD800', true],
    ['x\uDFFFy', true],
    ['\uDC00\uD800', true],
    ['😀', false],
    ['\uD83D\uDE00tail', false],
    ['Ada Lovelace — ǅ', false],
    ['', false],
  ])('%j → %s', (s, bad) => expect(hasForbiddenChars(s)).toBe(bad));
});

describe('forbiddenStringIn', () => {
  it('finds values and keys at any depth and names them like validation errors', () => {
    expect(forbiddenStringIn({ name: 'a\u0000' })).toBe('name');
    expect(forbiddenStringIn({ profile: { nested: ['ok', { deep: '\uD800' }] } })).toBe('profile.nested[1].deep');
    expect(forbiddenStringIn({ profile: { 'k\u0000': 1 } })).toBe('profile.k\\u0000');
    expect(forbiddenStringIn({ ['\uDC00']: 'v' })).toBe('\\udc00');
    expect(forbiddenStringIn({ name: 'Ada', n: 1, b: true, z: null, list: ['😀'] })).toBeUndefined();
  });

  it('walks very deep input without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(forbiddenStringIn({ a: deep })).toMatch(/^a(\[0\])+$/);
  });
});

describe('forbiddenInputOf', () => {
  it('checks headers, cookies, path params, the query and the body', () => {
    expect(forbiddenInputOf(req())).toBeUndefined();
    expect(forbiddenInputOf(req({ headers: { 'x-csrf-token': 'a\u0000' } }))).toBe('header.x-csrf-token');
    expect(forbiddenInputOf({ ...req(), cookies: { insforge_refresh_token: '\u0000' } })).toBe('cookie.insforge_refresh_token');
    expect(forbiddenInputOf(req({ params: { userId: '\u0000' } }))).toBe('path.userId');
    expect(forbiddenInputOf(req({ query: { client_type: 'web\u0000' } }))).toBe('query.client_type');
    expect(forbiddenInputOf(req({ body: { email: 'a@b.co', name: '\uD800' } }))).toBe('name');
  });

  it('refuses query text that is not percent-encoded UTF-8, naming the parameter', () => {
    expect(forbiddenInputOf(req({ url: '/x?token=%ED%A0%80' }))).toBe('query.token');
    expect(forbiddenInputOf(req({ url: '/x?a=1&b=%FF' }))).toBe('query.b');
    expect(forbiddenInputOf(req({ url: '/x?%ED%A0%80=1' }))).toBe('query');
    expect(forbiddenInputOf(req({ url: '/x?a=%F0%9F%98%80&b=x+y&c' }))).toBeUndefined();
  });
});
