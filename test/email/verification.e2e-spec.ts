import { DEFAULT_AUTH_CONFIG, setAuthConfig, sql } from '../harness/db.js';
import { BASE_URL } from '../harness/env.js';
import { call, codeIn, linkIn, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { signIn, signUp, wait } from './helpers.js';

const APP = 'http://app.example.test';

describe('email verification by code', () => {
  beforeAll(() => setAuthConfig({ ...DEFAULT_AUTH_CONFIG, require_email_verification: true }));
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('sign-up -> code by mail -> sign-in refused until verified -> verify signs in', async () => {
    const email = randomEmail('verify');
    const up = await signUp(email, { name: 'Vera' });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ accessToken: null, requireEmailVerification: true });

    const [mail] = await mailbox.waitFor(email);
    expect(mail!.subject).toBe('Verify your email for Auth E2E');
    expect(mail!.text).toContain('Hi Vera');
    const code = codeIn(mail!);

    const refused = await signIn(email);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: 'FORBIDDEN',
      message: 'Email verification required',
      statusCode: 403,
      nextActions: 'Please verify your email address before logging in',
    });

    const wrong = await call('POST', '/api/auth/email/verify?client_type=mobile', {
      body: { email, otp: code === '000000' ? '111111' : '000000' },
      ip: randomIp(),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid or expired verification code', statusCode: 400 });

    const ok = await call('POST', '/api/auth/email/verify?client_type=mobile', { body: { email, otp: code }, ip: randomIp() });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email, emailVerified: true });
    expect(typeof ok.body.accessToken).toBe('string');
    expect(ok.body.refreshToken).toMatch(/^[0-9a-f]{64}$/);

    expect((await signIn(email)).status).toBe(200);
    const again = await call('POST', '/api/auth/email/verify?client_type=mobile', { body: { email, otp: code }, ip: randomIp() });
    expect(again.status).toBe(400);
  });

  it('web verification sets the refresh cookie and returns a csrfToken', async () => {
    const email = randomEmail('verifyweb');
    await signUp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    const ok = await call('POST', '/api/auth/email/verify', { body: { email, otp: code }, ip: randomIp() });
    expect(ok.status).toBe(200);
    expect(ok.body.csrfToken).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.headers.get('set-cookie')).toMatch(/^insforge_refresh_token=[0-9a-f]{64};/);
  });

  it('send-verification answers the same for unknown, verified and unverified emails, and mails only the unverified', async () => {
    const unverified = randomEmail('unverified');
    await signUp(unverified);
    await mailbox.waitFor(unverified);
    const unknown = randomEmail('unknown');
    const replies = await Promise.all(
      [unknown, unverified].map((email) => call('POST', '/api/auth/email/send-verification', { body: { email }, ip: randomIp() })),
    );
    for (const r of replies) {
      expect(r.status).toBe(202);
      expect(r.body).toEqual({
        success: true,
        message: 'If your email is registered, we have sent you a verification code. Please check your inbox.',
      });
    }
    expect(replies[0]!.text).toBe(replies[1]!.text);
    await mailbox.waitFor(unverified, 2);
    await wait(500);
    expect(await mailbox.list(unknown)).toHaveLength(0);
  });

  it('an expired code is rejected', async () => {
    const email = randomEmail('expired');
    await signUp(email);
    const code = codeIn((await mailbox.waitFor(email))[0]!);
    await sql(`UPDATE identity.one_time_codes SET expires_at = now() - interval '1 second' WHERE email = $1 AND purpose = 'verify_email'`, [
      email,
    ]);
    const r = await call('POST', '/api/auth/email/verify?client_type=mobile', { body: { email, otp: code }, ip: randomIp() });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Invalid or expired verification code');
  });
});

describe('email verification by link', () => {
  beforeAll(() =>
    setAuthConfig({
      ...DEFAULT_AUTH_CONFIG,
      require_email_verification: true,
      verify_email_method: 'link',
      allowed_redirect_urls: [`${APP}/**`],
    }),
  );
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('requires an allowed redirectTo', async () => {
    const missing = await signUp(randomEmail('nolink'));
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('redirectTo is required when link-based email verification is enabled');
    const evil = await signUp(randomEmail('evil'), { redirectTo: 'https://evil.example/cb' });
    expect(evil.status).toBe(400);
    expect(evil.body).toEqual({
      error: 'INVALID_INPUT',
      message: 'https://evil.example/cb is not in the allowed redirect URLs',
      statusCode: 400,
      nextActions: 'Please add this URL to the allowed redirect URLs in the authentication configuration.',
    });
  });

  it('the link verifies and redirects; a second fetch (a mail scanner) is harmless', async () => {
    const email = randomEmail('link');
    const up = await signUp(email, { redirectTo: `${APP}/verified` });
    expect(up.body).toEqual({ accessToken: null, requireEmailVerification: true });
    const [mail] = await mailbox.waitFor(email);
    const link = linkIn(mail!);
    expect(link.startsWith(`${BASE_URL}/api/auth/email/verify-link?token=`)).toBe(true);
    const path = link.slice(BASE_URL.length);

    for (let i = 0; i < 2; i++) {
      const r = await call('GET', path);
      expect(r.status).toBe(302);
      const to = new URL(r.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(`${APP}/verified`);
      expect(to.searchParams.get('insforge_status')).toBe('success');
      expect(to.searchParams.get('insforge_type')).toBe('verify_email');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    expect((await signIn(email)).status).toBe(200);
  });

  it('a bad token gets a 400 in the InsForge shape', async () => {
    const bad = await call('GET', '/api/auth/email/verify-link?token=xyz');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'INVALID_INPUT', message: 'token: token must be a 64-character hexadecimal token', statusCode: 400 });
    const unknown = await call('GET', `/api/auth/email/verify-link?token=${'ab'.repeat(32)}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('INVALID_INPUT');
  });
});
