import { randomBytes } from 'node:crypto';
import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { bearer, insforgeError, PASSWORD, refreshMobile, signInRaw, signUp } from './helpers.js';

// InsForge's 429 body plus our one extension: retryAfter (seconds), checked against the header below.
const TOO_MANY = {
  ...insforgeError(429, 'TOO_MANY_REQUESTS', 'Too many requests, please try again later.'),
  retryAfter: expect.any(Number),
};

/** The 429 headers (draft RateLimit-* and Retry-After) and the body's retryAfter; `limit` is the rule's size. */
function expectLimitHeaders(r: Reply, limit: number, maxRetryAfter: number) {
  const retryAfter = Number(r.headers.get('retry-after'));
  expect(r.body.retryAfter).toBe(retryAfter);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect(r.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(r.headers.get('ratelimit-remaining')).toBe('0');
  const reset = Number(r.headers.get('ratelimit-reset'));
  expect(Number.isInteger(reset)).toBe(true);
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(maxRetryAfter);
}

const gorbRegister = (ip: string) => {
  const identifier = `rl_${randomBytes(5).toString('hex')}`;
  const email = randomEmail('rl-gorb');
  return call('POST', '/v1/register', { body: { identifier, email, password: PASSWORD, device_name: 'RL' }, ip }).then((r) => {
    if (r.status !== 200) throw new Error(`gorb register failed: ${r.status} ${r.text}`);
    return { identifier, email };
  });
};

describe('sign-in: 30 per 5 minutes per IP', () => {
  it('the 31st sign-in from one IP -> 429 TOO_MANY_REQUESTS with Retry-After and RateLimit-* headers; another IP is not affected', async () => {
    const account = await signUp();
    const ip = randomIp();
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 31; i++) {
      // a different unknown email each time: only the per-IP limit can trip
      last = await signInRaw(randomEmail('rl-ip'), PASSWORD, { ip });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    expect(last!.body).toEqual(TOO_MANY);
    expectLimitHeaders(last!, 30, 300);
    // the right password from that IP is refused too (the limit counts requests, not failures)
    expect((await signInRaw(account.email, PASSWORD, { ip })).status).toBe(429);
    // the owner from elsewhere signs in
    expect((await signInRaw(account.email, PASSWORD, { ip: randomIp() })).status).toBe(200);
  });
});

describe('failed sign-ins: 5 per identifier + IP', () => {
  it('after 5 wrong passwords the 6th try is 429 even with the RIGHT password; from another IP the owner still signs in', async () => {
    const a = await signUp();
    const attacker = randomIp();
    for (let i = 0; i < 5; i++) {
      const r = await signInRaw(a.email, `wrong-password-${i}`, { ip: attacker });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials'));
    }
    const sixth = await signInRaw(a.email, PASSWORD, { ip: attacker });
    expect(sixth.status).toBe(429);
    expect(sixth.body).toEqual(TOO_MANY);
    expectLimitHeaders(sixth, 5, 15 * 60);
    // the block holds (it is not a one-off)
    expect((await signInRaw(a.email, PASSWORD, { ip: attacker })).status).toBe(429);
    // a locked identifier cannot lock its owner out from elsewhere
    const owner = await signInRaw(a.email, PASSWORD, { ip: randomIp() });
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(a.userId);
    // the address is only blocked for that identifier
    const someoneElse = await signUp();
    expect((await signInRaw(someoneElse.email, PASSWORD, { ip: attacker })).status).toBe(200);
  });

  it('the email is one identifier however it is spelled', async () => {
    const a = await signUp();
    const ip = randomIp();
    const spellings = [a.email, a.email.toUpperCase(), ` ${a.email}`, `${a.email} `, a.email.replace(/^./, (c) => c.toUpperCase())];
    for (const email of spellings) expect((await signInRaw(email, 'wrong-password', { ip })).status).toBe(401);
    expect((await signInRaw(a.email, PASSWORD, { ip })).status).toBe(429);
  });

  it('a successful sign-in resets the failure count for that identifier + IP', async () => {
    const a = await signUp();
    const ip = randomIp();
    for (let i = 0; i < 4; i++) expect((await signInRaw(a.email, 'wrong-password', { ip })).status).toBe(401);
    expect((await signInRaw(a.email, PASSWORD, { ip })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signInRaw(a.email, 'wrong-password', { ip })).status).toBe(401);
    expect((await signInRaw(a.email, PASSWORD, { ip })).status).toBe(200);
  });
});

describe('the Gorb login is limited too', () => {
  it('5 wrong passwords on /v1/login, then 429 {message} with Retry-After even with the right password; another IP signs in', async () => {
    const { identifier } = await gorbRegister(randomIp());
    const ip = randomIp();
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/v1/login', { body: { identifier, password: `wrong-${i}`, device_name: 'RL' }, ip });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ message: 'Invalid credentials' });
    }
    const sixth = await call('POST', '/v1/login', { body: { identifier, password: PASSWORD, device_name: 'RL' }, ip });
    expect(sixth.status).toBe(429);
    expect(sixth.body).toEqual({ message: 'Too many requests, please try again later.', retryAfter: expect.any(Number) });
    expectLimitHeaders(sixth, 5, 15 * 60);
    const elsewhere = await call('POST', '/v1/login', { body: { identifier, password: PASSWORD, device_name: 'RL' }, ip: randomIp() });
    expect(elsewhere.status).toBe(200);
  });

  it('failures through either API count against the same email', async () => {
    const { email } = await gorbRegister(randomIp());
    const ip = randomIp();
    for (let i = 0; i < 3; i++) expect((await signInRaw(email, 'wrong-password', { ip })).status).toBe(401);
    for (let i = 0; i < 2; i++) {
      expect((await call('POST', '/v1/login', { body: { email, password: 'wrong-password', device_name: 'RL' }, ip })).status).toBe(403);
    }
    expect((await signInRaw(email, PASSWORD, { ip })).status).toBe(429);
    expect((await call('POST', '/v1/login', { body: { email, password: PASSWORD, device_name: 'RL' }, ip })).status).toBe(429);
  });

  it('31 Gorb logins from one IP -> 429', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const r = await call('POST', '/v1/login', {
        body: { identifier: `nobody_${i}_${randomBytes(3).toString('hex')}`, password: PASSWORD },
        ip,
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(403));
    expect(statuses[30]).toBe(429);
  });
});

describe('sign-up: 30 per 5 minutes per IP (Supabase Auth’s default budget)', () => {
  it('the 31st sign-up from one IP -> 429 and creates no user; another IP signs up', async () => {
    const ip = randomIp();
    for (let i = 0; i < 30; i++) {
      const r = await call('POST', '/api/auth/users?client_type=mobile', {
        body: { email: randomEmail('rl-up'), password: PASSWORD },
        headers: bearer(ANON_KEY),
        ip,
      });
      expect(r.status).toBe(200);
    }
    const email = randomEmail('rl-up-31');
    const r = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email, password: PASSWORD },
      headers: bearer(ANON_KEY),
      ip,
    });
    expect(r.status).toBe(429);
    expect(r.body).toEqual(TOO_MANY);
    expectLimitHeaders(r, 30, 300);
    expect((await signInRaw(email, PASSWORD)).status).toBe(401);
    const ok = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email, password: PASSWORD },
      headers: bearer(ANON_KEY),
      ip: randomIp(),
    });
    expect(ok.status).toBe(200);
  });

  it('Gorb registrations share the sign-up limit of the IP', async () => {
    const ip = randomIp();
    for (let i = 0; i < 30; i++) await gorbRegister(ip);
    const r = await call('POST', '/v1/register', {
      body: { identifier: `rl_${randomBytes(5).toString('hex')}`, email: randomEmail('rl-gorb'), password: PASSWORD },
      ip,
    });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(r.body).toEqual({ message: 'Too many requests, please try again later.', retryAfter: Number(r.headers.get('retry-after')) });
  });
});

describe('refresh: 300 per minute per IP', () => {
  it('the 301st refresh from one IP -> 429; never a 5xx; another IP still refreshes', async () => {
    const a = await signUp();
    const ip = randomIp();
    const statuses: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const replies = await Promise.all(Array.from({ length: 50 }, () => refreshMobile(randomBytes(32).toString('hex'), { ip })));
      statuses.push(...replies.map((r) => r.status));
    }
    expect(statuses).toEqual(Array(300).fill(401));
    const over = await refreshMobile(a.refreshToken!, { ip });
    expect(over.status).toBe(429);
    expect(over.body).toEqual(TOO_MANY);
    expectLimitHeaders(over, 300, 60);
    // the 429 did not use the token up
    expect((await refreshMobile(a.refreshToken!, { ip: randomIp() })).status).toBe(200);
  });
});
