import { randomBytes } from 'node:crypto';
import { MANAGEMENT_URL } from '../harness/env.js';
import { call, codeIn, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { PASSWORD, signInRaw, signUp } from './helpers.js';

/**
 * No account enumeration by timing: a sign-in for an account that does not exist (or has no
 * password) runs one password verification of the configured cost, exactly like a wrong password.
 * Proven with identity's own count of verifications by algorithm and cost, not with a stopwatch.
 */

/** The e2e stack's argon2id cost (PASSWORD_ARGON2_MEMORY_KIB=19456, the default t=2, p=1). */
const CONFIGURED = { algorithm: 'argon2id', cost: 'm=19456,t=2,p=1' };

/** Every series of identity_password_verifications_total, from identity's management port. */
async function verifications(): Promise<Map<string, number>> {
  const text = await (await fetch(`${MANAGEMENT_URL.identity}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^identity_password_verifications_total\{([^}]*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    series.set(`${labels.algorithm} ${labels.cost}`, Number(m[2]));
  }
  return series;
}

/** How each series changed while `action` ran; only series that moved are listed. */
async function delta(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await verifications();
  await action();
  const after = await verifications();
  const moved: Record<string, number> = {};
  for (const [key, n] of after) if (n !== (before.get(key) ?? 0)) moved[key] = n - (before.get(key) ?? 0);
  return moved;
}

const ONE_CONFIGURED_VERIFICATION = { [`${CONFIGURED.algorithm} ${CONFIGURED.cost}`]: 1 };
const gorbLogin = (body: Record<string, unknown>) => call('POST', '/v1/login', { body: { device_name: 'probe', ...body }, ip: randomIp() });

describe('sign-in for an unknown account does the same hash work as a wrong password', () => {
  let known: string;
  beforeAll(async () => {
    known = (await signUp()).email;
  });

  it('the metric exists and counts a wrong password as one verification of the configured cost (the control)', async () => {
    expect(await delta(async () => expect((await signInRaw(known, 'wrong password!')).status).toBe(401))).toEqual(
      ONE_CONFIGURED_VERIFICATION,
    );
    expect(await delta(async () => expect((await gorbLogin({ email: known, password: 'wrong password!' })).status).toBe(403))).toEqual(
      ONE_CONFIGURED_VERIFICATION,
    );
  });

  it('InsForge: an unknown email costs exactly one verification of the configured cost', async () => {
    const moved = await delta(async () => {
      const r = await signInRaw(randomEmail('nobody'), PASSWORD);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid credentials', statusCode: 401 });
    });
    expect(moved).toEqual(ONE_CONFIGURED_VERIFICATION);
  });

  it('Gorb: an unknown email and an unknown username each cost exactly one verification of the configured cost', async () => {
    for (const body of [{ email: randomEmail('nobody') }, { identifier: `nobody_${randomBytes(5).toString('hex')}` }]) {
      const moved = await delta(async () => {
        const r = await gorbLogin({ ...body, password: PASSWORD });
        expect(r.status).toBe(403);
        expect(r.body).toEqual({ message: 'Invalid credentials' });
      });
      expect(moved).toEqual(ONE_CONFIGURED_VERIFICATION);
    }
  });

  it('an account without a password (made by an email code) costs the same', async () => {
    const email = randomEmail('nopassword');
    expect((await call('POST', '/api/auth/email/send-otp', { body: { email }, ip: randomIp() })).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const made = await call('POST', '/api/auth/sessions?client_type=mobile', { body: { method: 'otp', email, otp: code }, ip: randomIp() });
    expect(made.status).toBe(200);
    expect(await delta(async () => expect((await signInRaw(email, PASSWORD)).status).toBe(401))).toEqual(ONE_CONFIGURED_VERIFICATION);
  });
});
