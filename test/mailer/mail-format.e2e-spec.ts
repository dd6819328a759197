import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import { call, codeIn, linkIn, mailbox, randomEmail, randomIp, type SinkMessage } from '../harness/http.js';
import { signUp } from '../email/helpers.js';

/**
 * What arrives at a real SMTP server: the branded templates from the e2e stack's configuration
 * (MAIL_PRODUCT_NAME "Auth E2E", MAIL_FROM on auth.test), a plain-text part, headers that stop
 * auto-replies, and a Message-ID on the sender's domain.
 */
const APP = 'http://app.example.test';
const send = (path: string, body: Record<string, string>) => call('POST', `/api/auth/email/${path}`, { body, ip: randomIp() });

function expectWellFormed(mail: SinkMessage, subject: string) {
  expect(mail.subject).toBe(subject);
  expect(mail.from).toBe('"Auth E2E" <no-reply@auth.test>');
  expect(mail.headers['auto-submitted']).toBe('auto-generated');
  expect(mail.headers['x-auto-response-suppress']).toBe('All');
  expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@auth\.test>$/);
  expect(mail.headers['content-type']).toContain('multipart/alternative');
  expect(mail.html).toMatch(/^<!doctype html>\n<html lang="en"/);
  expect(mail.html).toContain('<meta charset="utf-8">');
  expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(mail.html).toContain(`<title>${subject}</title>`);
  expect(mail.html).toContain('href="https://app.auth.test/"');
  expect(mail.text).toContain('Auth E2E · https://app.auth.test/');
  for (const part of [mail.html, mail.text]) expect(part).not.toMatch(/\{\{|\}\}/);
}

describe('mail as it arrives', () => {
  afterAll(() => setAuthConfig(DEFAULT_AUTH_CONFIG));

  it('a sign-in code: branded, the code in its own block and in the text part, auto-generated, Message-ID on the sender domain', async () => {
    const email = randomEmail('format-otp');
    expect((await send('send-otp', { email })).status).toBe(202);
    const [mail] = await mailbox.waitFor(email);
    expectWellFormed(mail!, 'Your sign-in code for Auth E2E');
    const code = codeIn(mail!);
    expect(mail!.html).toMatch(new RegExp(`<div class="code"[^>]*>${code}</div>`));
  });

  it('a reset link: a button and the plain URL, the same link in the text part', async () => {
    await setAuthConfig({ ...DEFAULT_AUTH_CONFIG, reset_password_method: 'link', allowed_redirect_urls: [`${APP}/**`] });
    const email = randomEmail('format-reset');
    expect((await signUp(email)).status).toBe(200);
    expect((await send('send-reset-password', { email, redirectTo: `${APP}/reset` })).status).toBe(202);
    const [mail] = await mailbox.waitFor(email);
    expectWellFormed(mail!, 'Reset your password for Auth E2E');
    const link = linkIn(mail!);
    const escaped = link.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;');
    expect(mail!.html.split(`href="${escaped}"`)).toHaveLength(3);
  });
});
