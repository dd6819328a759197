import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import { BASE_URL } from '../harness/env.js';
import { call, codeIn, linkIn, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { PASSWORD, signIn, signUp, wait } from './helpers.js';

const APP = 'http://app.example.test';
const NEW_PASSWORD = 'a brand new passphrase';

async function sessionTokens(email: string) {
  const s = await signIn(email);
  expect(s.status).toBe(200);
  return s.body as { accessToken: string; refreshToken: string };
}

const refresh = (refreshToken: string) => call('POST', '/api/auth/refresh?client_type=mobile', { body: { refreshToken }, ip: randomIp() });

describe('password reset by code', () => {
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('send -> code -> exchange -> reset: old sessions die, the old password fails, the new one works', async () => {
    const email = randomEmail('reset');
    expect((await signUp(email)).status).toBe(200);
    const a = await sessionTokens(email);
    const b = await sessionTokens(email);

    const sent = await call('POST', '/api/auth/email/send-reset-password', { body: { email }, ip: randomIp() });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({
      success: true,
      message: 'If your email is registered, we have sent you a password reset code. Please check your inbox.',
    });
    const [mail] = await mailbox.waitFor(email);
    expect(mail!.subject).toBe('Reset your password for Auth E2E');
    const code = codeIn(mail!);

    const ex = await call('POST', '/api/auth/email/exchange-reset-password-token', { body: { email, code }, ip: randomIp() });
    expect(ex.status).toBe(200);
    expect(ex.body.token).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(ex.body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await call('POST', '/api/auth/email/exchange-reset-password-token', { body: { email, code }, ip: randomIp() })).status).toBe(
      400,
    );

    const weak = await call('POST', '/api/auth/email/reset-password', {
      body: { newPassword: 'short', otp: ex.body.token },
      ip: randomIp(),
    });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toBe('Password must contain at least 8 characters long');

    const done = await call('POST', '/api/auth/email/reset-password', {
      body: { newPassword: NEW_PASSWORD, otp: ex.body.token },
      ip: randomIp(),
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ message: 'Password reset successfully. Please login with your new password.' });

    for (const s of [a, b]) {
      expect((await refresh(s.refreshToken)).status).toBe(401);
      expect((await call('GET', '/api/auth/sessions/current', { headers: { authorization: `Bearer ${s.accessToken}` } })).status).toBe(401);
    }
    expect((await signIn(email, PASSWORD)).status).toBe(401);
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);

    const reused = await call('POST', '/api/auth/email/reset-password', {
      body: { newPassword: 'yet another passphrase', otp: ex.body.token },
      ip: randomIp(),
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'INVALID_INPUT', message: 'Invalid or expired verification token', statusCode: 400 });
  });

  it('an unknown email gets the same 202 and no mail', async () => {
    const known = randomEmail('known');
    await signUp(known);
    const unknown = randomEmail('nobody');
    const [k, u] = await Promise.all(
      [known, unknown].map((email) => call('POST', '/api/auth/email/send-reset-password', { body: { email }, ip: randomIp() })),
    );
    expect(u!.status).toBe(k!.status);
    expect(u!.text).toBe(k!.text);
    await mailbox.waitFor(known);
    await wait(500);
    expect(await mailbox.list(unknown)).toHaveLength(0);
  });
});

describe('password reset by link', () => {
  beforeAll(() => setAuthConfig({ ...DEFAULT_AUTH_CONFIG, reset_password_method: 'link', allowed_redirect_urls: [`${APP}/**`] }));
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('the link only redirects with the token (scanners consume nothing); the POST resets and revokes', async () => {
    const email = randomEmail('resetlink');
    await signUp(email);
    const s = await sessionTokens(email);
    const missing = await call('POST', '/api/auth/email/send-reset-password', { body: { email }, ip: randomIp() });
    expect(missing.status).toBe(400);
    const sent = await call('POST', '/api/auth/email/send-reset-password', { body: { email, redirectTo: `${APP}/reset` }, ip: randomIp() });
    expect(sent.status).toBe(202);
    expect(sent.body.message).toBe('If your email is registered, we have sent you a password reset link. Please check your inbox.');
    const link = linkIn((await mailbox.waitFor(email))[0]!);
    expect(link.startsWith(`${BASE_URL}/api/auth/email/reset-password-link?token=`)).toBe(true);
    const token = new URL(link).searchParams.get('token')!;

    for (let i = 0; i < 2; i++) {
      const r = await call('GET', link.slice(BASE_URL.length));
      expect(r.status).toBe(302);
      const to = new URL(r.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(`${APP}/reset`);
      expect(to.searchParams.get('token')).toBe(token);
      expect(to.searchParams.get('insforge_status')).toBe('ready');
      expect(to.searchParams.get('insforge_type')).toBe('reset_password');
    }

    const done = await call('POST', '/api/auth/email/reset-password', { body: { newPassword: NEW_PASSWORD, otp: token }, ip: randomIp() });
    expect(done.status).toBe(200);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);

    const after = await call('GET', link.slice(BASE_URL.length));
    expect(after.status).toBe(302);
    expect(new URL(after.headers.get('location')!).searchParams.get('insforge_status')).toBe('error');
  });
});
