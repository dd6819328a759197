import { MANAGEMENT_URL } from '../harness/env.js';
import { call, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { alive, pidOf, redis, waitFor } from '../harness/stack.js';

const status = (base: string, path: string) =>
  fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    () => 0,
  );
const apps = [MANAGEMENT_URL.identity, MANAGEMENT_URL.profiles, MANAGEMENT_URL.mailer];
const readyBody = (base: string) =>
  fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(3000) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { info?: Record<string, { status: string; reachable?: boolean }> },
  }));

describe('platform: Redis goes away and comes back', () => {
  afterAll(async () => {
    if (!redis.ping()) {
      redis.start();
      await redis.waitUp();
    }
  });

  it('only the mailer turns unready (identity and profiles still serve), liveness stays 200, nothing crashes, a mail recorded meanwhile is delivered', async () => {
    redis.stop();
    await waitFor(async () => (await status(MANAGEMENT_URL.mailer, '/health/ready')) === 503, 20_000, 'mailer readiness 503');
    // identity and profiles serve without Redis (in-memory limiter, outbox): ready, Redis reported.
    await waitFor(
      async () =>
        (await Promise.all([MANAGEMENT_URL.identity, MANAGEMENT_URL.profiles].map(readyBody))).every(
          (r) => r.status === 200 && r.body.info?.redis?.reachable === false,
        ),
      20_000,
      'identity and profiles ready, reporting Redis unreachable',
    );
    for (const p of apps) expect(await status(p, '/health/live')).toBe(200);

    // The request only records the intent (outbox): it succeeds while Redis is down.
    const email = randomEmail('outage');
    const r = await call('POST', '/api/auth/email/send-otp', { body: { email }, ip: randomIp() });
    expect(r.status).toBe(202);

    await new Promise((res) => setTimeout(res, 1500));
    for (const name of ['identity', 'profiles', 'mailer', 'gateway'] as const) expect(alive(pidOf(name))).toBe(true);
    expect(await mailbox.list(email)).toHaveLength(0);

    redis.start();
    await redis.waitUp();
    await waitFor(
      async () => (await Promise.all(apps.map((p) => status(p, '/health/ready')))).every((s) => s === 200),
      30_000,
      'readiness 200',
    );
    const [mail] = await mailbox.waitFor(email, 1, 30_000);
    expect(mail!.subject).toBe('Your sign-in code for Auth E2E');
  });
});
