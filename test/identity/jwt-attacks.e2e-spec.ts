import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { type Account, b64url, bearer, current, decodeJwt, INVALID_TOKEN, PASSWORD, refreshMobile, signIn, signUp } from './helpers.js';

/** ES256 over `header.payload` (JOSE signatures are r||s, not DER). */
function signEs256(header: object, payload: object, key: KeyObject): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function signHs256(header: object, payload: object, secret: string | Buffer): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attackerJwk = attacker.publicKey.export({ format: 'jwk' });

/** Every route that takes an access token must refuse the token the same way. */
async function expectRefused(token: string) {
  const me = await current(token);
  expect(me.status).toBe(401);
  expect(me.body).toEqual(INVALID_TOKEN);
  const sessions = await call('GET', '/api/auth/sessions', { headers: bearer(token) });
  expect(sessions.status).toBe(401);
  expect(sessions.body).toEqual(INVALID_TOKEN);
}

describe('JWT attacks on access tokens (ASVS 3.5.3): all 401 AUTH_UNAUTHORIZED "Invalid token"', () => {
  let victim: Account;
  let other: Account;
  let real: ReturnType<typeof decodeJwt>;
  let jwks: { keys: (Record<string, string> & { kid: string })[] };
  let ourKid: string;

  beforeAll(async () => {
    victim = await signUp();
    other = await signUp();
    real = decodeJwt(victim.accessToken);
    ourKid = real.header.kid;
    jwks = (await call('GET', '/.well-known/jwks.json')).body;
  });

  it('(control) the genuine token works and its kid is published: every refusal below is about the forgery', async () => {
    expect(jwks.keys.map((k) => k.kid)).toContain(ourKid);
    expect((await current(victim.accessToken)).status).toBe(200);
  });

  it('a tampered payload (sub and email changed, signature kept)', async () => {
    const [h, , s] = victim.accessToken.split('.');
    const tampered = { ...real.payload, sub: other.userId, email: other.email };
    await expectRefused(`${h}.${b64url(tampered)}.${s}`);
    // even a change that keeps the meaning (re-encoded JSON with other spacing)
    await expectRefused(`${h}.${b64url(JSON.stringify(real.payload, null, 1))}.${s}`);
    // a longer lifetime
    await expectRefused(`${h}.${b64url({ ...real.payload, exp: real.payload.exp + 86400 })}.${s}`);
  });

  it('a tampered header (kid changed to another published kid or alg spelled differently)', async () => {
    const [, p, s] = victim.accessToken.split('.');
    await expectRefused(`${b64url({ ...real.header, alg: 'es256' })}.${p}.${s}`);
    await expectRefused(`${b64url({ ...real.header, kid: `${ourKid}x` })}.${p}.${s}`);
  });

  it('the signature stripped or truncated', async () => {
    const [h, p, s] = victim.accessToken.split('.');
    await expectRefused(`${h}.${p}.`);
    await expectRefused(`${h}.${p}`);
    await expectRefused(`${h}.${p}.${s!.slice(0, -4)}`);
  });

  it('alg:none (with and without our kid, with and without a signature)', async () => {
    const payload = { ...real.payload, sub: other.userId };
    for (const header of [
      { alg: 'none', typ: 'JWT' },
      { alg: 'none', kid: ourKid, typ: 'JWT' },
      { alg: 'None', kid: ourKid },
      { alg: 'NONE' },
    ]) {
      await expectRefused(`${b64url(header)}.${b64url(payload)}.`);
      await expectRefused(`${b64url(header)}.${b64url(real.payload)}.${victim.accessToken.split('.')[2]}`);
    }
  });

  it("HS256 signed with identity's public key (algorithm confusion)", async () => {
    const jwk = jwks.keys.find((k) => k.kid === ourKid)!;
    const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
    const secrets: (string | Buffer)[] = [
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
      publicKey.export({ type: 'spki', format: 'der' }),
      JSON.stringify(jwk),
      Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]),
    ];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const header = { alg, kid: ourKid, typ: 'JWT' };
        const token =
          alg === 'HS256'
            ? signHs256(header, { ...real.payload, sub: other.userId }, secret)
            : `${b64url(header)}.${b64url(real.payload)}.${createHmac(`sha${alg.slice(2)}`, secret)
                .update(`${b64url(header)}.${b64url(real.payload)}`)
                .digest('base64url')}`;
        await expectRefused(token);
      }
    }
  });

  it('another ES256 key with an unknown kid', async () => {
    const fresh = { ...real.payload, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
    await expectRefused(signEs256({ alg: 'ES256', kid: 'attacker-key', typ: 'JWT' }, fresh, attacker.privateKey));
    await expectRefused(signEs256({ alg: 'ES256', typ: 'JWT' }, fresh, attacker.privateKey)); // no kid at all
  });

  it('our real kid, signed by another key (also with an expiry in the past)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(signEs256({ alg: 'ES256', kid: ourKid, typ: 'JWT' }, { ...real.payload, sub: other.userId }, attacker.privateKey));
    await expectRefused(
      signEs256({ alg: 'ES256', kid: ourKid, typ: 'JWT' }, { ...real.payload, iat: now - 7200, exp: now - 3600 }, attacker.privateKey),
    );
  });

  it("an embedded jwk (or jku / x5u / x5c) header naming the attacker's key", async () => {
    const payload = { ...real.payload, sub: other.userId, email: other.email };
    const headers = [
      { alg: 'ES256', typ: 'JWT', jwk: attackerJwk },
      { alg: 'ES256', typ: 'JWT', kid: ourKid, jwk: attackerJwk },
      { alg: 'ES256', typ: 'JWT', kid: ourKid, jku: 'https://evil.example/jwks.json' },
      { alg: 'ES256', typ: 'JWT', kid: ourKid, x5u: 'https://evil.example/cert.pem' },
      { alg: 'ES256', typ: 'JWT', kid: ourKid, x5c: ['MIIB'] },
    ];
    for (const header of headers) await expectRefused(signEs256(header, payload, attacker.privateKey));
    // an embedded key next to a genuine signature is refused outright too
    const [, p, s] = victim.accessToken.split('.');
    await expectRefused(`${b64url({ ...real.header, jwk: jwks.keys.find((k) => k.kid === ourKid) })}.${p}.${s}`);
  });

  it('a refresh token used as a Bearer token', async () => {
    await expectRefused(victim.refreshToken!);
    // and the refresh token still works where it belongs
    expect((await refreshMobile(victim.refreshToken!)).status).toBe(200);
  });

  it('our anon key is not an access token', async () => {
    await expectRefused(ANON_KEY);
  });

  it('access tokens live 15 minutes: exp - iat === 900 from sign-up, sign-in and refresh', async () => {
    const email = randomEmail('ttl');
    const up = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email, password: PASSWORD },
      headers: bearer(ANON_KEY),
      ip: randomIp(),
    });
    const web = await call('POST', '/api/auth/users', { body: { email: randomEmail('ttl-web'), password: PASSWORD }, ip: randomIp() });
    const inn = await signIn(email);
    const refreshed = await refreshMobile(inn.refreshToken!);
    for (const token of [up.body.accessToken, web.body.accessToken, inn.accessToken, refreshed.body.accessToken] as string[]) {
      const { payload } = decodeJwt(token);
      expect(payload.exp - payload.iat).toBe(900);
    }
  });
});

describe('forged tokens at sign-up (POST /api/auth/users verifies a Bearer JWT too)', () => {
  it('a tampered, alg:none or foreign-key token -> 401 "Invalid token" and no user is created', async () => {
    const victim = await signUp();
    const real = decodeJwt(victim.accessToken);
    const [h, , s] = victim.accessToken.split('.');
    const email = randomEmail('forged-signup');
    const forged = [
      `${h}.${b64url({ ...real.payload, exp: real.payload.exp + 1 })}.${s}`,
      `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(real.payload)}.`,
      signEs256({ alg: 'ES256', kid: real.header.kid, typ: 'JWT' }, real.payload, attacker.privateKey),
      signEs256({ alg: 'ES256', typ: 'JWT', jwk: attackerJwk }, real.payload, attacker.privateKey),
      victim.refreshToken!,
    ];
    for (const token of forged) {
      const r = await call('POST', '/api/auth/users?client_type=mobile', {
        body: { email, password: PASSWORD },
        headers: bearer(token),
        ip: randomIp(),
      });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
    const probe = await call('POST', '/api/auth/sessions?client_type=mobile', { body: { email, password: PASSWORD }, ip: randomIp() });
    expect(probe.status).toBe(401);
  });
});
