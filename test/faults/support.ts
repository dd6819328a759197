import { randomBytes } from 'node:crypto';
import { ANON_KEY, BASE_URL, MANAGEMENT_URL } from '../harness/env.js';
import { call, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { faultPg } from '../harness/pg-cluster.js';
import { alive, pidOf, start, stop, waitFor } from '../harness/stack.js';

export const PASSWORD = 'Faults-e2e passw0rd';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Deadlines of the apps while they run on the fault cluster: short, so a stalled or full database
 * turns into 503s quickly and the suite stays short. (The defaults are in the README.)
 */
export const FAULT_APP_ENV = {
  DB_POOL_SIZE: '4',
  DB_CONNECT_TIMEOUT_MS: '1500',
  DB_STATEMENT_TIMEOUT_MS: '2000',
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5000',
};

/** Points identity and profiles at the fault cluster (freshly provisioned). */
export async function useFaultDatabase(): Promise<void> {
  await faultPg.start();
  await faultPg.provision();
  await stop('profiles');
  await stop('identity');
  await start('identity', { ...faultPg.appEnv(), ...FAULT_APP_ENV });
  await start('profiles', { ...faultPg.appEnv(), ...FAULT_APP_ENV });
}

/** Puts identity and profiles back on the shared database for the next test files. */
export async function useSharedDatabase(): Promise<void> {
  await stop('profiles');
  await stop('identity');
  await start('identity');
  await start('profiles');
}

export const APPS = ['identity', 'profiles', 'mailer', 'gateway'] as const;
export const allAlive = () => APPS.every((name) => alive(pidOf(name)));
export const aliveNow = () => Object.fromEntries(APPS.map((name) => [name, alive(pidOf(name))]));

/** The status of a management endpoint (`/health/ready`, `/health/live`), 0 when it does not answer. */
export const httpStatus = (base: string, path: string) =>
  fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );

export interface Outcome {
  op: string;
  status: number;
  retryAfter: string | null;
  error?: string;
  body?: string;
}

interface Account {
  email: string;
  userId: string;
  ip: string;
}

/**
 * Parallel clients doing what users do (sign-up, profile writes, sessions/current, refreshes,
 * sign-ins after a failed refresh, verification mails), recording every answer and what was
 * acknowledged, so the test can check afterwards that nothing acknowledged was lost.
 */
export class Burst {
  readonly outcomes: Outcome[] = [];
  readonly accounts: Account[] = [];
  /** emails whose send-verification was answered 202 */
  readonly sends: string[] = [];
  /** per user: the last acknowledged profile value and the values tried after it */
  readonly profiles = new Map<string, { acked?: string; later: string[] }>();
  private stopped = false;
  private running: Promise<void>[] = [];

  start(clients: number): this {
    this.running = Array.from({ length: clients }, (_, i) => this.client(i));
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Runs until `n` more answers were recorded (or the deadline passes). */
  async answers(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.outcomes.length + n;
    await waitFor(() => this.outcomes.length >= target, timeoutMs, `${n} more answers`);
  }

  private async req(op: string, method: string, path: string, opts: RequestOptions = {}) {
    try {
      const r = await timedCall(method, path, opts);
      this.outcomes.push({
        op,
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: r.status >= 300 ? r.text.slice(0, 300) : undefined,
      });
      return r;
    } catch (err) {
      this.outcomes.push({ op, status: 0, retryAfter: null, error: String((err as Error)?.cause ?? err) });
      return undefined;
    }
  }

  private async client(i: number): Promise<void> {
    while (!this.stopped) {
      const email = randomEmail(`fault${i}`);
      const ip = randomIp();
      const up = await this.req('sign-up', 'POST', '/api/auth/users?client_type=mobile', {
        body: { email, password: PASSWORD },
        headers: bearer(ANON_KEY),
        ip,
      });
      if (up?.status !== 200) {
        await pause(50);
        continue; // unacknowledged: a new address next time (a retry could meet its own commit)
      }
      const account = { email, userId: up.body.user.id as string, ip };
      this.accounts.push(account);
      let access = up.body.accessToken as string;
      let refresh = up.body.refreshToken as string;
      for (let k = 0; k < 3 && !this.stopped; k++) {
        const value = randomBytes(6).toString('hex');
        const p = this.profiles.get(account.userId) ?? { later: [] };
        p.later.push(value);
        this.profiles.set(account.userId, p);
        const w = await this.req('profile-write', 'PATCH', '/api/auth/profiles/current', {
          body: { profile: { fault_probe: value } },
          headers: bearer(access),
        });
        if (w?.status === 200) this.profiles.set(account.userId, { acked: value, later: [] });
        await this.req('current', 'GET', '/api/auth/sessions/current', { headers: bearer(access) });
        const r = await this.req('refresh', 'POST', '/api/auth/refresh?client_type=mobile', { body: { refreshToken: refresh }, ip });
        if (r?.status === 200) {
          access = r.body.accessToken;
          refresh = r.body.refreshToken;
          continue;
        }
        // The refresh may or may not have committed: start a new session, as an app would.
        const s = await this.req('sign-in', 'POST', '/api/auth/sessions?client_type=mobile', { body: { email, password: PASSWORD }, ip });
        if (s?.status !== 200) break;
        access = s.body.accessToken;
        refresh = s.body.refreshToken;
      }
      const sent = await this.req('send', 'POST', '/api/auth/email/send-verification', { body: { email }, ip });
      if (sent?.status === 202) this.sends.push(email);
    }
  }

  /** Every answer that is neither 2xx nor a 503 with Retry-After (a 500, a reset, anything). */
  bad(): Outcome[] {
    return this.outcomes.filter((o) => !(o.status >= 200 && o.status < 300) && !(o.status === 503 && Number(o.retryAfter) > 0));
  }

  summary(): Record<string, Record<number, number>> {
    const out: Record<string, Record<number, number>> = {};
    for (const o of this.outcomes) {
      out[o.op] ??= {};
      out[o.op]![o.status] = (out[o.op]![o.status] ?? 0) + 1;
    }
    return out;
  }
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  ip?: string;
}

/**
 * One call through the base URL, given up after a generous 30 s: a request that piles up behind a
 * stalled dependency is recorded as a failure (status 0) instead of hanging the test.
 */
async function timedCall(method: string, path: string, opts: RequestOptions) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { pause };

/** Full service: both apps ready and a whole user journey answered 2xx. */
export async function fullServiceReturns(timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => {
      if ((await httpStatus(MANAGEMENT_URL.identity, '/health/ready')) !== 200) return false;
      if ((await httpStatus(MANAGEMENT_URL.profiles, '/health/ready')) !== 200) return false;
      const email = randomEmail('recovered');
      const ip = randomIp();
      const up = await call('POST', '/api/auth/users?client_type=mobile', {
        body: { email, password: PASSWORD },
        headers: bearer(ANON_KEY),
        ip,
      });
      if (up.status !== 200) return false;
      const w = await call('PATCH', '/api/auth/profiles/current', {
        body: { profile: { ok: true } },
        headers: bearer(up.body.accessToken),
      });
      const r = await call('POST', '/api/auth/refresh?client_type=mobile', { body: { refreshToken: up.body.refreshToken }, ip });
      return w.status === 200 && r.status === 200;
    },
    timeoutMs,
    'full service to return',
  );
}

/**
 * Nothing acknowledged was lost: every 2xx sign-up has its user and its profile (carrying the last
 * acknowledged write, or a later one whose answer was lost), every 202 send has its mail.
 */
export async function nothingLost(burst: Burst, timeoutMs = 90_000): Promise<void> {
  const ids = burst.accounts.map((a) => a.userId);
  const users = await faultPg.sql<{ id: string }>('SELECT id::text AS id FROM identity.users WHERE id = ANY($1::uuid[])', [ids]);
  const found = new Set(users.map((u) => u.id));
  const lost = ids.filter((id) => !found.has(id));
  if (lost.length) throw new Error(`acknowledged sign-ups without a user row: ${lost.join(', ')}`);

  const missing = new Set(ids);
  await waitFor(
    async () => {
      for (const id of [...missing]) {
        const r = await call('GET', `/api/auth/profiles/${id}`);
        if (r.status !== 200) continue;
        const p = burst.profiles.get(id);
        const value = r.body?.profile?.fault_probe;
        const allowed = p ? [...(p.acked ? [p.acked] : []), ...p.later] : [];
        if (p?.acked && !allowed.includes(value)) continue; // the profiles inbox may still be catching up
        missing.delete(id);
      }
      return missing.size === 0;
    },
    timeoutMs,
    `profiles of ${missing.size} acknowledged sign-ups`,
  );

  const unsent = new Set(burst.sends);
  await waitFor(
    async () => {
      for (const email of [...unsent]) if ((await mailbox.list(email)).length > 0) unsent.delete(email);
      return unsent.size === 0;
    },
    timeoutMs,
    `mail for ${unsent.size} acknowledged sends`,
  );
}
