import { execFileSync } from 'node:child_process';
import { ROOT, stackEnv } from '../harness/env.js';
import { call, randomIp } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';
import { bearer, PASSWORD, patchProfile, signUp } from './support.js';

/**
 * A retired signing key stops verifying in every app within the JWKS refresh period
 * (JWKS_REFRESH_SECONDS, 2 s in the e2e stack; identity: JWT_KEY_ROTATION_CHECK_SECONDS), even for
 * a token that profiles and identity have already verified and cached. Before, profiles' key
 * resolver kept `kid -> key` forever, and both apps trusted a verified token again for a minute.
 */
const keysCli = (...args: string[]) =>
  execFileSync(process.execPath, ['dist/apps/identity/main.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...stackEnv() },
    encoding: 'utf8',
  });
const jwksKids = async () => ((await call('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys.map((k) => k.kid);
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('retired signing keys', () => {
  it('profiles and identity refuse a retired kid within the refresh period, cached or not; the new key works', async () => {
    const owner = await signUp('Key Owner');
    const oldKid = kidOf(owner.accessToken);
    // Verified (and cached) by both apps while the key is live.
    await waitFor(
      async () => (await patchProfile(owner.accessToken, { profile: { bio: 'before' } })).status === 200,
      20_000,
      'a first PATCH',
    );
    expect((await patchProfile(owner.accessToken, { profile: { bio: 'cached' } })).status).toBe(200);
    expect((await call('GET', '/api/auth/sessions/current', { headers: bearer(owner.accessToken) })).status).toBe(200);

    const newKid = /new signing key (\S+)/.exec(keysCli('keys:rotate'))?.[1];
    expect(newKid).toBeTruthy();
    await waitFor(async () => (await jwksKids()).includes(newKid!), 15_000, 'the new key in the JWKS');
    keysCli('keys:retire', oldKid);
    await waitFor(async () => !(await jwksKids()).includes(oldKid), 15_000, 'the old key to leave the JWKS');

    // Keep using the token, as a client would: no use renews its trust, and the answer turns to 401.
    let last = await patchProfile(owner.accessToken, { profile: { bio: 'after' } });
    await waitFor(
      async () => {
        last = await patchProfile(owner.accessToken, { profile: { bio: 'after' } });
        return last.status === 401;
      },
      30_000,
      'profiles to refuse the retired key',
    );
    expect(last.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 });
    await waitFor(
      async () => (await call('GET', '/api/auth/sessions/current', { headers: bearer(owner.accessToken) })).status === 401,
      30_000,
      'identity to refuse the retired key',
    );

    // The owner signs in again and gets a token signed with the new key, which profiles learns by itself.
    const again = await call('POST', '/api/auth/sessions?client_type=mobile', {
      body: { email: owner.email, password: PASSWORD },
      ip: randomIp(),
    });
    expect(again.status).toBe(200);
    expect(kidOf(again.body.accessToken)).toBe(newKid);
    await waitFor(
      async () => (await patchProfile(again.body.accessToken, { profile: { bio: 'new key' } })).status === 200,
      30_000,
      'profiles to accept the new key',
    );
    expect((await call('GET', `/api/auth/profiles/${owner.id}`)).body.profile.bio).toBe('new key');
    expect((await patchProfile(owner.accessToken, { profile: { bio: 'retired again' } })).status).toBe(401);
  });
});
