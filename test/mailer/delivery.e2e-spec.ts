import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import { call, mailbox, randomEmail, randomIp, type SinkMessage } from '../harness/http.js';
import { redis, start, stop, waitFor } from '../harness/stack.js';
import { signUp } from '../email/helpers.js';

const sendOtp = (email: string) => call('POST', '/api/auth/email/send-otp', { body: { email }, ip: randomIp() });

/** Every recipient got exactly one message. */
async function expectEachOnce(emails: string[], timeoutMs = 60_000): Promise<void> {
  let all: SinkMessage[] = [];
  await waitFor(
    async () => {
      all = await mailbox.list();
      return emails.every((e) => all.some((m) => m.to.includes(e)));
    },
    timeoutMs,
    `mail for ${emails.length} recipients`,
  );
  // Give a duplicate the chance to show up before judging.
  await new Promise((r) => setTimeout(r, 1500));
  all = await mailbox.list();
  for (const e of emails) expect(`${e}: ${all.filter((m) => m.to.includes(e)).length}`).toBe(`${e}: 1`);
  const ids = all.map((m) => m.messageId);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('mail delivery: nothing lost, nothing twice', () => {
  afterEach(async () => {
    await mailbox.hold(false);
    await mailbox.delay(0);
    await mailbox.refuse(0);
  });
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('users who sign up while Redis is down get their verification mail once it is back', async () => {
    await setAuthConfig({ ...DEFAULT_AUTH_CONFIG, require_email_verification: true });
    redis.stop();
    const emails = Array.from({ length: 5 }, () => randomEmail('redisdown'));
    for (const email of emails) {
      const r = await signUp(email);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ accessToken: null, requireEmailVerification: true });
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const email of emails) expect(await mailbox.list(email)).toHaveLength(0);
    redis.start();
    await redis.waitUp();
    await expectEachOnce(emails);
    await setAuthConfig(DEFAULT_AUTH_CONFIG);
  });

  it('a mailer killed with SIGKILL in the middle of a batch loses no message and sends none twice', async () => {
    await mailbox.delay(100);
    // Part of the batch is delivered first; the rest is sent while the SMTP server holds every
    // transaction, so that however fast the mailer is, all five worker slots (MAILER_CONCURRENCY=5)
    // are stuck mid-transaction and ten messages wait in the queue when it is killed.
    const delivered = Array.from({ length: 5 }, () => randomEmail('sigkill-before'));
    await Promise.all(delivered.map(sendOtp));
    await waitFor(
      async () => (await Promise.all(delivered.map((e) => mailbox.list(e)))).every((l) => l.length > 0),
      30_000,
      'the first part of the batch',
    );
    await mailbox.hold(true);
    const rest = Array.from({ length: 15 }, () => randomEmail('sigkill'));
    await Promise.all(rest.map(sendOtp));
    const emails = [...delivered, ...rest];
    await waitFor(async () => (await mailbox.held()) >= 5, 30_000, 'five messages in flight');
    await stop('mailer', 'SIGKILL');
    await mailbox.hold(false);
    await mailbox.delay(0);
    await start('mailer');
    await expectEachOnce(emails);
  });

  it('the SMTP server refusing for a while: delivered after retries', async () => {
    await mailbox.refuse(3);
    const email = randomEmail('refused');
    expect((await sendOtp(email)).status).toBe(202);
    await expectEachOnce([email], 60_000);
  });

  it('two mailer processes side by side send each message once', async () => {
    await start('mailer2');
    try {
      const emails = Array.from({ length: 30 }, () => randomEmail('twomailers'));
      await Promise.all(emails.map(sendOtp));
      await expectEachOnce(emails);
    } finally {
      await stop('mailer2');
    }
  });

  it('a mailer stopped with SIGTERM finishes the job in hand before exiting', async () => {
    await mailbox.delay(1500);
    const email = randomEmail('sigterm');
    await sendOtp(email);
    await new Promise((r) => setTimeout(r, 800)); // the job is now in the SMTP transaction
    await stop('mailer', 'SIGTERM');
    expect((await mailbox.list(email)).length).toBe(1);
    await mailbox.delay(0);
    await start('mailer');
  });
});
