import { ACCESS_TOKEN_ROLE, principalOf } from './access-token.claims.js';

const sub = '7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b44';
const sid = '0b6c3bc4-52f8-4a26-9d4f-2c1a8f4f3f1e';
const good = { sub, sid, email: 'a@b.co', role: ACCESS_TOKEN_ROLE, exp: 2_000_000_000, iat: 1_999_999_100, iss: 'i', aud: 'a' };

describe('principalOf (the claims a verified access token must carry)', () => {
  it('maps the claims of our access tokens to the caller', () => {
    expect(principalOf(good)).toEqual({ userId: sub, email: 'a@b.co', sessionId: sid, role: 'authenticated', exp: 2_000_000_000 });
    expect(principalOf({ ...good, extra: 'ignored' })).toEqual(principalOf(good));
  });

  it.each([
    ['another role', { role: 'service_role' }],
    ['an admin role', { role: 'project_admin' }],
    ['no role', { role: undefined }],
    ['no subject', { sub: undefined }],
    ['a subject that is no UUID', { sub: 'admin' }],
    ['a numeric subject', { sub: 42 }],
    ['no session', { sid: undefined }],
    ['a session that is no UUID', { sid: `${sid}x` }],
    ['no email', { email: undefined }],
    ['a non-string email', { email: ['a@b.co'] }],
    ['no expiry', { exp: undefined }],
    ['a string expiry', { exp: '2000000000' }],
    ['an infinite expiry', { exp: Number.POSITIVE_INFINITY }],
  ])('refuses %s', (_what, change) => {
    expect(principalOf({ ...good, ...change })).toBeNull();
  });

  it.each([null, undefined, 'a string payload', 42, []])('refuses a payload that is no object: %j', (payload) => {
    expect(principalOf(payload)).toBeNull();
  });
});
