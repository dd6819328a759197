import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { call } from '../harness/http.js';
import { type Account, bearer, eventually, getProfile, mintAccessToken, patchProfile, signUp } from './support.js';

const invalid = (message: string) => ({ error: 'INVALID_INPUT', message, statusCode: 400 });
const INVALID_TOKEN = { error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 };

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const partsOf = (jwt: string) => {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
    h,
    p,
    s,
  };
};

describe('profiles: bad input gets 400 INVALID_INPUT naming the field, and changes nothing', () => {
  let owner: Account;
  let before: unknown;
  beforeAll(async () => {
    owner = await signUp('Input Owner');
    before = (
      await eventually(
        () => getProfile(owner.id),
        (r) => r.status === 200,
        'the owner profile',
      )
    ).body;
  });
  const deep = { a: { b: { c: { d: 1 } } } };
  const manyKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));

  it.each([
    ['profile is a string', { profile: 'Ada' }, 'profile: must be a JSON object'],
    ['profile is an array', { profile: [{ name: 'Ada' }] }, 'profile: must be a JSON object'],
    ['profile is null', { profile: null }, 'profile: must be a JSON object'],
    ['profile is missing', { name: 'Ada' }, 'profile: must be a JSON object'],
    ['too large', { profile: { bio: 'x'.repeat(20 * 1024) } }, 'profile: must be at most 16384 bytes as JSON'],
    ['too many keys', { profile: manyKeys }, 'profile: must have at most 50 keys'],
    ['too deep', { profile: deep }, 'profile.a.b.c: nested too deeply (at most 3 levels)'],
    ['avatar_url javascript:', { profile: { avatar_url: 'javascript:alert(1)' } }, 'profile.avatar_url: must be an http(s) URL'],
    ['avatar_url not a URL', { profile: { avatar_url: 'me.png' } }, 'profile.avatar_url: must be an http(s) URL'],
    ['avatar_url not a string', { profile: { avatar_url: 7 } }, 'profile.avatar_url: must be an http(s) URL'],
    ['name too long', { profile: { name: 'n'.repeat(101) } }, 'profile.name: must be at most 100 characters'],
    ['name not a string', { profile: { name: ['Ada'] } }, 'profile.name: must be a string'],
    ['constructor key', { profile: { constructor: 'x' } }, 'profile.constructor: key not allowed'],
    ['nested prototype key', { profile: { a: { prototype: 1 } } }, 'profile.a.prototype: key not allowed'],
    ['NUL character', { profile: { bio: 'a\u0000b' } }, 'profile.bio: must not contain NUL characters or unpaired surrogates'],
  ])('%s -> 400', async (_what, body, message) => {
    const r = await patchProfile(owner.accessToken, body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid(message));
  });

  it('__proto__ keys -> 400 (refused by the JSON parser, before the handler)', async () => {
    for (const raw of ['{"profile":{"__proto__":{"admin":true}}}', '{"__proto__":{"profile":{}}}']) {
      const r = await call('PATCH', '/api/auth/profiles/current', {
        rawBody: raw,
        headers: { ...bearer(owner.accessToken), 'content-type': 'application/json' },
      });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid('Malformed JSON in request body'));
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('a body that is not a JSON object, or no body -> 400', async () => {
    const raw = (rawBody: string) =>
      call('PATCH', '/api/auth/profiles/current', {
        rawBody,
        headers: { ...bearer(owner.accessToken), 'content-type': 'application/json' },
      });
    expect((await raw('[1,2]')).body).toEqual(invalid('Request body must be a JSON object'));
    expect((await raw('{"profile": ')).body).toEqual(invalid('Malformed JSON in request body'));
    const none = await call('PATCH', '/api/auth/profiles/current', { headers: bearer(owner.accessToken) });
    expect(none.status).toBe(400);
    expect(none.body).toEqual(invalid('profile: must be a JSON object'));
  });

  it('a body over the platform limit -> 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await patchProfile(owner.accessToken, { profile: { bio: 'x'.repeat(70 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', statusCode: 413 });
  });

  it('the limits hold for the merged profile too', async () => {
    const half = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, i]));
    const other = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`b${i}`, i]));
    expect((await patchProfile(owner.accessToken, { profile: half })).status).toBe(200);
    const r = await patchProfile(owner.accessToken, { profile: other });
    expect(r.body).toEqual(invalid('profile: must have at most 50 keys'));
    const cleanup = Object.fromEntries(Object.keys(half).map((k) => [k, null]));
    expect((await patchProfile(owner.accessToken, { profile: cleanup })).body).toEqual(before);
  });

  it('none of the refused bodies left anything behind', async () => {
    expect((await getProfile(owner.id)).body).toEqual(before);
  });
});

describe('profiles: PATCH needs a valid access token', () => {
  const body = { profile: { bio: 'should not be written' } };
  let account: Account;
  beforeAll(async () => {
    account = await signUp('Token Owner');
  });

  it('missing -> 401 AUTH_INVALID_CREDENTIALS "No token provided"', async () => {
    const r = await patchProfile(undefined, body);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'AUTH_INVALID_CREDENTIALS', message: 'No token provided', statusCode: 401 });
  });

  it('a token minted with the same construction but valid is accepted (control for the cases below)', async () => {
    const id = randomUUID();
    const r = await patchProfile(await mintAccessToken({ sub: id }), { profile: { name: 'Control' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id, profile: { name: 'Control' } });
  });

  it('expired (signed by identity) -> 401 AUTH_UNAUTHORIZED "Invalid token"', async () => {
    const token = await mintAccessToken({ sub: account.id, expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const r = await patchProfile(token, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.example/api/auth' }],
    ['another audience', { audience: 'service_role' }],
    ['another role', { role: 'admin' }],
  ])('%s (signed by identity) -> 401', async (_what, opts) => {
    const r = await patchProfile(await mintAccessToken({ sub: account.id, ...opts }), body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it('payload tampered (another user as subject, signature kept) -> 401', async () => {
    const victim = await signUp('Victim');
    const { header, payload, s } = partsOf(account.accessToken);
    const forged = `${b64url(header)}.${b64url({ ...payload, sub: victim.id })}.${s}`;
    const r = await patchProfile(forged, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it('signed with another ES256 key under the real kid -> 401', async () => {
    const { kid } = decodeProtectedHeader(account.accessToken);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { payload } = partsOf(account.accessToken);
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
    const r = await patchProfile(forged, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it('alg:none -> 401', async () => {
    const { header, payload } = partsOf(account.accessToken);
    for (const alg of ['none', 'None', 'NONE']) {
      const r = await patchProfile(`${b64url({ ...header, alg })}.${b64url(payload)}.`, body);
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
  });

  it('HS256 keyed with the public JWK (algorithm confusion) -> 401', async () => {
    const { header, payload } = partsOf(account.accessToken);
    const jwks = (await call('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    const signingInput = `${b64url({ ...header, alg: 'HS256' })}.${b64url(payload)}`;
    const sig = createHmac('sha256', JSON.stringify(jwk)).update(signingInput).digest('base64url');
    const r = await patchProfile(`${signingInput}.${sig}`, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it.each([['garbage'], ['a.b.c'], ['Bearer']])('malformed token %p -> 401', async (token) => {
    const r = await patchProfile(token, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN);
  });

  it('none of the refused tokens wrote anything', async () => {
    const r = await eventually(
      () => getProfile(account.id),
      (x) => x.status === 200,
      'the profile',
    );
    expect(r.body).toEqual({ id: account.id, profile: { name: 'Token Owner' } });
  });
});
