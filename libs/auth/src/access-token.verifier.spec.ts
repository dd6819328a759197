import { JwtService } from '@nestjs/jwt';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { AccessTokenVerifier, kidOf } from './access-token.verifier.js';
import type { KeyResolver } from './key-resolver.js';
import { ACCESS_TOKEN_ALGORITHMS } from './principal.js';

const b64url = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const sub = '7d3f0a52-6a55-4b0e-9d7e-0e6c3a1f2b44';
const sid = '0b6c3bc4-52f8-4a26-9d4f-2c1a8f4f3f1e';
const ours = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const TRUSTED_UNTIL = 1_234_567;

/** The verifier as JwtAuthModule builds it, with one known key `k1` (and a kid whose lookup fails). */
function setup() {
  const jwt = new JwtService({ verifyOptions: { algorithms: [...ACCESS_TOKEN_ALGORITHMS], issuer: 'iss', audience: 'aud' } });
  const keys: KeyResolver = {
    resolve: async (kid) => {
      if (kid === 'broken') throw new Error('database away');
      return kid === 'k1' ? { key: ours.publicKey, trustedUntil: TRUSTED_UNTIL } : undefined;
    },
  };
  return { jwt, verifier: new AccessTokenVerifier(jwt, keys) };
}

/** A token as identity signs it (JwtService with the private KeyObject), with overrides. */
function signed(
  jwt: JwtService,
  o: { kid?: string; key?: KeyObject; claims?: object; iss?: string; aud?: string; expiresIn?: number } = {},
) {
  return jwt.sign(
    { email: 'a@b.co', role: 'authenticated', sid, ...o.claims },
    {
      privateKey: o.key ?? ours.privateKey,
      algorithm: 'ES256',
      keyid: o.kid ?? 'k1',
      subject: sub,
      issuer: o.iss ?? 'iss',
      audience: o.aud ?? 'aud',
      expiresIn: o.expiresIn ?? 900,
    },
  );
}

/** ES256 over any header and payload (JOSE signatures are r||s). */
function rawEs256(header: object, payload: object, key: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('AccessTokenVerifier (JwtService with KeyObjects)', () => {
  it('accepts a token signed by JwtService with our private KeyObject, and says until when the check may be reused', async () => {
    const { jwt, verifier } = setup();
    const out = await verifier.verify(signed(jwt));
    expect(out).toEqual({
      principal: { userId: sub, email: 'a@b.co', sessionId: sid, role: 'authenticated', exp: expect.any(Number) },
      trustedUntil: TRUSTED_UNTIL,
    });
  });

  it('refuses an unknown kid, a missing kid, a kid whose lookup fails, and our kid on another key', async () => {
    const { jwt, verifier } = setup();
    expect(await verifier.verify(signed(jwt, { kid: 'k2' }))).toBeNull();
    expect(await verifier.verify(signed(jwt, { kid: 'broken' }))).toBeNull();
    expect(await verifier.verify(signed(jwt, { key: attacker.privateKey }))).toBeNull();
    const noKid = jwt.sign(
      { email: 'a@b.co', role: 'authenticated', sid },
      { privateKey: ours.privateKey, algorithm: 'ES256', subject: sub },
    );
    expect(await verifier.verify(noKid)).toBeNull();
  });

  it('refuses expired tokens and tokens for another issuer or audience', async () => {
    const { jwt, verifier } = setup();
    expect(await verifier.verify(signed(jwt, { expiresIn: -10 }))).toBeNull();
    expect(await verifier.verify(signed(jwt, { iss: 'evil' }))).toBeNull();
    expect(await verifier.verify(signed(jwt, { aud: 'service_role' }))).toBeNull();
  });

  it('refuses a valid signature over claims that are not those of an access token (principalOf)', async () => {
    const { jwt, verifier } = setup();
    expect(await verifier.verify(signed(jwt, { claims: { role: 'project_admin' } }))).toBeNull();
    expect(await verifier.verify(signed(jwt, { claims: { sid: undefined } }))).toBeNull();
  });

  it('refuses alg none, HMAC with our public key as the secret, and a tampered payload', async () => {
    const { jwt, verifier } = setup();
    const token = signed(jwt);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(await verifier.verify(`${b64url({ alg: 'none', kid: 'k1' })}.${p}.`)).toBeNull();
    const pem = ours.publicKey.export({ type: 'spki', format: 'pem' });
    const hsInput = `${b64url({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${p}`;
    expect(await verifier.verify(`${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`)).toBeNull();
    expect(await verifier.verify(`${h}.${b64url({ ...payload, sub: '11111111-1111-4111-8111-111111111111' })}.${s}`)).toBeNull();
    expect(await verifier.verify(`${h}.${p}.`)).toBeNull();
    expect(await verifier.verify(`${h}.${p}`)).toBeNull();
  });

  it('refuses a header that embeds a key, even with our kid and a signature by the embedded key', async () => {
    const { jwt, verifier } = setup();
    const payload = JSON.parse(Buffer.from(signed(jwt).split('.')[1]!, 'base64url').toString()) as object;
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    for (const extra of [{ jwk }, { jku: 'https://evil.example/jwks' }, { x5u: 'https://evil.example/c' }, { x5c: ['MIIB'] }]) {
      expect(await verifier.verify(rawEs256({ alg: 'ES256', kid: 'k1', ...extra }, payload, attacker.privateKey))).toBeNull();
    }
  });
});

describe('kidOf', () => {
  it.each([
    [`${b64url({ alg: 'ES256', kid: 'k1' })}.x.y`, 'k1'],
    [`${b64url({ alg: 'ES256' })}.x.y`, undefined],
    [`${b64url({ alg: 'ES256', kid: 7 })}.x.y`, undefined],
    [`${b64url({ alg: 'ES256', kid: 'k1', jwk: {} })}.x.y`, undefined],
    [`${b64url('null')}.x.y`, undefined],
    [`${b64url('["kid"]')}.x.y`, undefined],
    [`${b64url('"k1"')}.x.y`, undefined],
    ['not-json.x.y', undefined],
    ['nodots', undefined],
    ['.x.y', undefined],
  ])('%s -> %s', (token, kid) => expect(kidOf(token)).toBe(kid));
});
