import { DEFAULT_AUTH_CONFIG, setAuthConfig, sql } from '../harness/db.js';
import { call, codeIn, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { signIn, signUp } from './helpers.js';

const sendOtp = (email: string, ip = randomIp()) => call('POST', '/api/auth/email/send-otp', { body: { email }, ip });
const otpSignIn = (email: string, otp: string, extra: Record<string, unknown> = {}) =>
  call('POST', '/api/auth/sessions?client_type=mobile', { body: { method: 'otp', email, otp, ...extra }, ip: randomIp() });

describe('email-code sign-in', () => {
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('a new email becomes a verified, password-less user', async () => {
    const email = randomEmail('otpnew');
    expect((await sendOtp(email)).status).toBe(202);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const r = await otpSignIn(email, code, { name: 'Otto' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email, emailVerified: true, providers: ['email'], profile: { name: 'Otto' } });
    expect(r.body.refreshToken).toMatch(/^[0-9a-f]{64}$/);
    expect((await otpSignIn(email, code)).status).toBe(400);
  });

  it('an existing unverified user signs in with a code, which drops the unproven password (as InsForge)', async () => {
    const email = randomEmail('otpold');
    await signUp(email);
    await sendOtp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const r = await otpSignIn(email, code);
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ email, emailVerified: true });
    // Whoever set that password never proved they own the address.
    expect((await signIn(email)).status).toBe(401);
  });

  it('three wrong codes burn the code', async () => {
    const email = randomEmail('otpburn');
    await sendOtp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 3; i++) {
      const r = await otpSignIn(email, wrong);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid or expired verification code', statusCode: 400 });
    }
    expect((await otpSignIn(email, code)).status).toBe(400);
  });

  it('an expired code is rejected', async () => {
    const email = randomEmail('otpexp');
    await sendOtp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    await sql(`UPDATE identity.one_time_codes SET expires_at = now() - interval '1 second' WHERE email = $1 AND purpose = 'sign_in'`, [
      email,
    ]);
    expect((await otpSignIn(email, code)).status).toBe(400);
  });

  it('a second send to one recipient within a minute is refused from any IP, and the first code still works', async () => {
    const email = randomEmail('otpresend');
    await sendOtp(email);
    const first = codeIn((await mailbox.waitFor(email))[0]!);
    const second = await sendOtp(email);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(second.body).toEqual({
      error: 'TOO_MANY_REQUESTS',
      message: 'Too many requests, please try again later.',
      statusCode: 429,
      retryAfter: Number(second.headers.get('retry-after')),
    });
    expect((await otpSignIn(email, first)).status).toBe(200);
  });

  it('with sign-up disabled, a new email cannot sign in by code', async () => {
    await setAuthConfig({ disable_signup: true });
    const email = randomEmail('otpdisabled');
    await sendOtp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const r = await otpSignIn(email, code);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'AUTH_SIGNUP_DISABLED', message: 'User signups are disabled for this project.', statusCode: 403 });
    await setAuthConfig({ disable_signup: false });
  });
});

describe('send limits (shared in Redis)', () => {
  it('5 sends per 15 minutes per IP, then 429 with Retry-After, whatever the emails', async () => {
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect((await sendOtp(randomEmail('lim'), ip)).status).toBe(202);
    const r = await call('POST', '/api/auth/email/send-reset-password', { body: { email: randomEmail('lim') }, ip });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.headers.get('ratelimit-limit')).toBe('5');
  });
});
