import { randomUUID } from 'node:crypto';
import { type SealedJwk, unsealJwk } from '../../apps/identity/src/core/tokens/key-sealing.js';
import { Queue } from 'bullmq';
import { importJWK, SignJWT } from 'jose';
import { type JobName, type JobPayload, QUEUES } from '@app/contracts';
import { QUEUE_PREFIX } from '@app/core';
import { sql } from '../harness/db.js';
import { ANON_KEY, PORTS, stackEnv } from '../harness/env.js';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';

export const PASSWORD = 'Profiles-e2e-Passw0rd';

export interface Account {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; profile: Record<string, unknown> };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A new account through identity's real sign-up, from an address of its own (per-IP limits). */
export async function signUp(name?: string): Promise<Account> {
  const email = randomEmail('profiles');
  const r = await call('POST', '/api/auth/users?client_type=mobile', {
    body: { email, password: PASSWORD, ...(name === undefined ? {} : { name }) },
    headers: bearer(ANON_KEY),
    ip: randomIp(),
  });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return { id: r.body.user.id, email, accessToken: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user };
}

export async function signIn(email: string): Promise<Reply> {
  return call('POST', '/api/auth/sessions?client_type=mobile', { body: { email, password: PASSWORD }, ip: randomIp() });
}

export const getProfile = (id: string, headers: Record<string, string> = {}) => call('GET', `/api/auth/profiles/${id}`, { headers });
export const patchProfile = (token: string | undefined, body: unknown) =>
  call('PATCH', '/api/auth/profiles/current', { body, headers: token === undefined ? {} : bearer(token) });

/** Polls `probe` until `done` holds for its value (bounded; no timing assertions). */
export async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  let last: T | undefined;
  await waitFor(
    async () => {
      last = await probe();
      return done(last);
    },
    timeoutMs,
    what,
  );
  return last as T;
}

export interface MintOptions {
  sub?: string;
  expiresAt?: number;
  issuer?: string;
  audience?: string;
  role?: string;
}

/**
 * An access token signed with identity's real signing key (read from the test database), exactly as identity signs them, with the
 * claims we choose: a valid one proves the construction, so the same token with only `exp` in the
 * past tests expiry alone.
 */
export async function mintAccessToken(o: MintOptions = {}): Promise<string> {
  const keys = await sql<{ kid: string; private_jwk: SealedJwk }>(
    `SELECT kid, private_jwk FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at`,
  );
  if (!keys.length) throw new Error('identity has no signing key yet');
  // identity stores private keys sealed under a key derived from AUTH_HMAC_SECRET. A test that
  // booted identity under another secret leaves a key this stack cannot open (nor publish): skip it.
  const opened = keys.map((k) => ({ kid: k.kid, privateJwk: unsealJwk(stackEnv().AUTH_HMAC_SECRET!, k.private_jwk) }));
  const key = opened.find((k) => k.privateJwk);
  if (!key) throw new Error('cannot open any identity signing key with the stack AUTH_HMAC_SECRET');
  const privateJwk = key.privateJwk!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'minted@example.com', role: o.role ?? 'authenticated', sid: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(o.sub ?? randomUUID())
    .setIssuer(o.issuer ?? stackEnv().JWT_ISSUER!)
    .setAudience(o.audience ?? 'authenticated')
    .setIssuedAt(Math.min(now, (o.expiresAt ?? now + 900) - 900))
    .setExpirationTime(o.expiresAt ?? now + 900)
    .sign(await importJWK(privateJwk, 'ES256'));
}

/**
 * Delivers a job to one of the platform's queues in the test Redis, as a producer's outbox relay
 * would, and waits until a consumer has completed it (so the test needs no sleeps).
 */
export async function deliver<Q extends typeof QUEUES.PROFILES_INBOX, N extends JobName<Q>>(
  queue: Q,
  name: N,
  payload: JobPayload<Q, N>,
  timeoutMs = 30_000,
): Promise<void> {
  const q = new Queue(queue, { prefix: QUEUE_PREFIX, connection: { host: '127.0.0.1', port: PORTS.redis } });
  try {
    const job = await q.add(name, payload, { jobId: randomUUID(), attempts: 3 });
    await waitFor(
      async () => {
        const state = await q.getJobState(job.id!);
        if (state === 'failed') throw new Error(`${name} job failed`);
        return state === 'completed';
      },
      timeoutMs,
      `${name} to be consumed`,
    );
  } finally {
    await q.close();
  }
}

export { QUEUES };
