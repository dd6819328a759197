import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { ANON_KEY, MANAGEMENT_URL, PORTS } from '../harness/env.js';
import { randomIp } from '../harness/http.js';
import { alive, pidOf, start, stop, waitFor } from '../harness/stack.js';
import { httpStatus, PASSWORD } from './support.js';

/**
 * SIGTERM during a burst (a rollout): readiness turns 503 at once while requests are still served
 * for the drain window (load balancers stop sending), every request in flight finishes, then the
 * listener closes and new connections are refused. Jobs in hand finishing on SIGTERM is proven
 * for the mailer in test/mailer/delivery.e2e-spec.ts.
 */
jest.setTimeout(180_000);

const IDENTITY = `http://127.0.0.1:${PORTS.identity}`;

interface Result {
  status: number;
  error?: string;
}

async function oneRequest(i: number): Promise<Result> {
  // Alternate a sign-up (argon2: a request that takes real time) and a database read.
  const signUp = i % 2 === 0;
  try {
    const res = await fetch(signUp ? `${IDENTITY}/api/auth/users?client_type=mobile` : `${IDENTITY}/api/auth/public-config`, {
      method: signUp ? 'POST' : 'GET',
      headers: signUp
        ? { 'content-type': 'application/json', authorization: `Bearer ${ANON_KEY}`, 'x-forwarded-for': randomIp() }
        : { 'x-forwarded-for': randomIp() },
      body: signUp ? JSON.stringify({ email: `drain+${randomBytes(6).toString('hex')}@example.com`, password: PASSWORD }) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    await res.arrayBuffer();
    return { status: res.status };
  } catch (err) {
    return { status: 0, error: String((err as Error)?.cause ?? err) };
  }
}

/** A request on a new TCP connection (no keep-alive pool): how a new client reaches the listener. */
const onNewConnection = () =>
  new Promise<string>((resolve) => {
    const req = request(`${IDENTITY}/api/auth/public-config`, { agent: false, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });

describe('faults: graceful shutdown under load', () => {
  beforeAll(async () => {
    // A drain window long enough to observe on a busy machine.
    await stop('identity');
    await start('identity', { SHUTDOWN_DRAIN_MS: '5000' });
  });

  afterAll(async () => {
    // Whatever happened above, leave a normal identity for the next test files.
    await stop('identity');
    await start('identity');
  });

  it('SIGTERM during a burst: readiness 503 first, zero dropped requests, then connections refused', async () => {
    const results: Result[] = [];
    const state = { sending: true };
    let n = 0;
    const client = async () => {
      while (state.sending) results.push(await oneRequest(n++));
    };
    const clients = Array.from({ length: 8 }, client);
    await waitFor(() => results.length >= 16, 60_000, 'the burst to be under way');

    const pid = pidOf('identity')!;
    process.kill(pid, 'SIGTERM');
    let ready = 200;
    await waitFor(
      async () => {
        ready = await httpStatus(MANAGEMENT_URL.identity, '/health/ready');
        return ready !== 200;
      },
      30_000,
      'readiness to change',
    );
    expect(ready).toBe(503); // unready while still answering: the drain window
    expect(await httpStatus(MANAGEMENT_URL.identity, '/health/live')).toBe(200);
    const sentBeforeUnready = n;
    // A load balancer stops sending once the pod is unready; requests in flight must all finish.
    state.sending = false;
    await Promise.all(clients);
    expect(results.length).toBe(n);
    expect(n).toBeGreaterThanOrEqual(sentBeforeUnready);
    expect(results.filter((r) => r.status !== 200 && r.status !== 202)).toEqual([]);

    // After the drain window the listener closes: a new connection is refused (or, caught in the
    // instant of closing, reset), never served and never left hanging.
    let outcome = '';
    await waitFor(
      async () => {
        outcome = await onNewConnection();
        return outcome !== '200';
      },
      60_000,
      'the listener to close',
    );
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(outcome);
    await waitFor(() => !alive(pid), 60_000, 'identity to exit');
    expect(await onNewConnection()).toBe('ECONNREFUSED');
  });
});
