import { execFileSync } from 'node:child_process';
import { ROOT, stackEnv } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';
import { PASSWORD } from './helpers.js';

/** `main.js keys:rotate` / `keys:retire`, run as an operator would, against the running stack. */
const keysCli = (...args: string[]) =>
  execFileSync(process.execPath, ['dist/apps/identity/main.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...stackEnv() },
    encoding: 'utf8',
  });

const jwksKids = async () => ((await call('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map((k) => k.kid);
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

async function signUpAndIn() {
  const email = randomEmail('keys');
  const r = await call('POST', '/api/auth/users?client_type=mobile', { body: { email, password: PASSWORD }, ip: randomIp() });
  expect(r.status).toBe(200);
  return { email, token: r.body.accessToken as string };
}

describe('signing-key rotation (README: Key rotation)', () => {
  it('a new key is published at once; retiring the old one stops its tokens and the new one signs', async () => {
    const before = await jwksKids();
    const [oldKid] = before;
    const early = await signUpAndIn();
    expect(kidOf(early.token)).toBe(oldKid);

    const out = keysCli('keys:rotate');
    const newKid = /new signing key (\S+)/.exec(out)?.[1];
    expect(newKid).toBeTruthy();
    await waitFor(async () => (await jwksKids()).includes(newKid!), 15_000, 'the new key in the JWKS');
    // During the overlap the old key still signs: verifiers learn the new key before they see it.
    expect(kidOf((await signUpAndIn()).token)).toBe(oldKid);

    // A token signed with the old key and never used yet (no verifier has it cached).
    const unused = await signUpAndIn();
    keysCli('keys:retire', oldKid!);
    await waitFor(async () => !(await jwksKids()).includes(oldKid!), 15_000, 'the old key to leave the JWKS');
    const refused = await call('GET', '/api/auth/sessions/current', { headers: { authorization: `Bearer ${unused.token}` } });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('AUTH_UNAUTHORIZED');

    const fresh = await signUpAndIn();
    expect(kidOf(fresh.token)).toBe(newKid);
    expect((await call('GET', '/api/auth/sessions/current', { headers: { authorization: `Bearer ${fresh.token}` } })).status).toBe(200);
    // profiles verifies with identity's JWKS only, and picks the new key up by itself.
    await waitFor(
      async () =>
        (
          await call('PATCH', '/api/auth/profiles/current', {
            body: { profile: { bio: 'rotated' } },
            headers: { authorization: `Bearer ${fresh.token}` },
          })
        ).status === 200,
      45_000,
      'profiles to accept the new key',
    );
  });

  it('retiring an unknown key fails', () => {
    expect(() => keysCli('keys:retire', 'no-such-kid')).toThrow();
  });
});
