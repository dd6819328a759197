import { DEFAULT_AUTH_CONFIG, setAuthConfig, sql } from '../harness/db.js';
import { mailbox, randomEmail } from '../harness/http.js';
import { alive, pidOf, redis, start, stop, waitFor } from '../harness/stack.js';
import { signUp } from './helpers.js';

interface OutboxRow {
  attempts: number;
  published_at: Date | null;
}

/** identity's outbox row of the verification mail to `to`. */
async function mailRow(to: string): Promise<OutboxRow | undefined> {
  const [row] = await sql<OutboxRow>(`SELECT attempts, published_at FROM identity.outbox WHERE queue = 'email' AND payload->>'to' = $1`, [
    to,
  ]);
  return row;
}

/** Every outbox row of one sign-up: its user.registered and its verification mail. */
function signUpRows(email: string): Promise<OutboxRow[]> {
  return sql<OutboxRow>(
    `SELECT attempts, published_at FROM identity.outbox WHERE payload->>'email' = $1 OR payload->>'to' = $1 ORDER BY created_at`,
    [email],
  );
}

/**
 * The outbox marks a row published only after BullMQ accepted the job. The test: a mail is recorded
 * while Redis is down, the relay tries (and must fail), identity is killed (SIGKILL: nothing in its
 * memory survives, such as a job waiting in a client's offline queue), then Redis and identity come
 * back. The mail must arrive. Had the relay marked the row published before Redis accepted the job,
 * the job would have died with the process and the mail would never come.
 */
describe('outbox: a relay that tried during a Redis outage, then a crash, loses nothing', () => {
  beforeAll(() => setAuthConfig({ ...DEFAULT_AUTH_CONFIG, require_email_verification: true }));
  afterAll(async () => {
    if (!redis.ping()) {
      redis.start();
      await redis.waitUp();
    }
    if (!alive(pidOf('identity'))) await start('identity');
    await setAuthConfig(DEFAULT_AUTH_CONFIG);
  });

  it('sign-up mail recorded during the outage is delivered after Redis and identity restart', async () => {
    redis.stop();
    const email = randomEmail('crash');
    const up = await signUp(email);
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ accessToken: null, requireEmailVerification: true });

    // The relay has tried and failed (it relays in order, so the sign-up's first row, the
    // user.registered before the mail, is the one it tried): nothing of this sign-up is published.
    await waitFor(async () => (await signUpRows(email)).some((r) => r.attempts >= 1), 30_000, 'the relay to try and fail');
    expect((await signUpRows(email)).map((r) => r.published_at)).toEqual([null, null]);
    expect(await mailRow(email)).toBeDefined();

    await stop('identity', 'SIGKILL');
    expect((await mailRow(email))!.published_at).toBeNull();
    expect(await mailbox.list(email)).toHaveLength(0);

    redis.start();
    await redis.waitUp();
    await start('identity');

    const [mail] = await mailbox.waitFor(email, 1, 60_000);
    expect(mail!.subject).toMatch(/^Verify your email/);
    expect((await mailRow(email))!.published_at).not.toBeNull();
  }, 180_000);
});
