import { ANON_KEY, IDENTITY2_URL } from '../harness/env.js';
import { sql } from '../harness/db.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { start, stop, waitFor } from '../harness/stack.js';
import { bearer, insforgeError, ISO_DATE, PASSWORD, signUp, UUID } from '../identity/helpers.js';
import { ADMIN_REQUIRED, adminSignIn, apiKeyHeaders, NO_ADMIN_TOKEN } from './helpers.js';

/** The seeded policy of the e2e stack, put back after every test. */
const DEFAULTS = {
  requireEmailVerification: false,
  passwordMinLength: 8,
  requireNumber: false,
  requireLowercase: false,
  requireUppercase: false,
  requireSpecialChar: false,
  verifyEmailMethod: 'code',
  resetPasswordMethod: 'code',
  allowedRedirectUrls: [],
  disableSignup: false,
};

const admin = apiKeyHeaders();
const getConfig = (headers: Record<string, string> = admin, base?: string) => call('GET', '/api/auth/config', { headers, base });
const putConfig = (body: unknown, headers: Record<string, string> = admin, base?: string) =>
  call('PUT', '/api/auth/config', { body, headers, base, ip: randomIp() });
const invalid = (message: string | RegExp) => insforgeError(400, 'INVALID_INPUT', message);

describe('GET/PUT /api/auth/config', () => {
  afterEach(async () => {
    const r = await putConfig(DEFAULTS);
    if (r.status !== 200) throw new Error(`restoring the config failed: ${r.status} ${r.text}`);
  });

  it('answers no credential with 401, a user token with 403, an API key and an admin token with the config', async () => {
    expect((await getConfig({})).body).toEqual(NO_ADMIN_TOKEN);
    expect((await putConfig({ disableSignup: true }, {})).body).toEqual(NO_ADMIN_TOKEN);
    const user = await signUp();
    const asUser = await getConfig(bearer(user.accessToken));
    expect(asUser.status).toBe(403);
    expect(asUser.body).toEqual(ADMIN_REQUIRED);
    expect((await putConfig({ disableSignup: true }, bearer(user.accessToken))).body).toEqual(ADMIN_REQUIRED);
    expect((await getConfig(bearer(ANON_KEY))).status).toBe(401);

    const byKey = await getConfig();
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual({
      id: expect.stringMatching(UUID),
      ...DEFAULTS,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    const session = await adminSignIn();
    const byAdmin = await getConfig(bearer(session.accessToken));
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.id).toBe(byKey.body.id);
  });

  it('applies a partial update, returns the whole config, and the policy takes effect at once', async () => {
    const before = (await getConfig()).body;
    const r = await putConfig({
      passwordMinLength: 12,
      requireNumber: true,
      allowedRedirectUrls: ['https://app.example.com/**', 'http://localhost:3000/cb'],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ...before,
      passwordMinLength: 12,
      requireNumber: true,
      allowedRedirectUrls: ['https://app.example.com/**', 'http://localhost:3000/cb'],
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(Date.parse(r.body.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
    expect((await getConfig()).body).toEqual(r.body);
    // the public config and sign-up follow
    const pub = await call('GET', '/api/auth/public-config');
    expect(pub.body).toMatchObject({ passwordMinLength: 12, requireNumber: true });
    const weak = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email: randomEmail('cfg'), password: 'no-digits-here-long' },
      headers: bearer(ANON_KEY),
      ip: randomIp(),
    });
    expect(weak.status).toBe(400);
    // an empty body changes nothing
    const same = await putConfig({});
    expect(same.status).toBe(200);
    expect(same.body).toEqual(r.body);
    // the change is in the audit log with its fields
    const [event] = await sql<{ actor_type: string; details: { fields: string[] } }>(
      `SELECT actor_type, details FROM identity.audit_events WHERE type = 'config.updated' ORDER BY occurred_at DESC LIMIT 1`,
    );
    expect(event).toEqual({ actor_type: 'api_key', details: { fields: ['passwordMinLength', 'requireNumber', 'allowedRedirectUrls'] } });
  });

  it.each([
    [{ passwordMinLength: 3 }, 'passwordMinLength: Number must be greater than or equal to 4'],
    [{ passwordMinLength: 129 }, 'passwordMinLength: Number must be less than or equal to 128'],
    [{ passwordMinLength: 6.5 }, 'passwordMinLength: Expected integer'],
    [{ passwordMinLength: '8' }, 'passwordMinLength: Expected integer'],
    [{ passwordMinLength: 1e308 }, 'passwordMinLength: Number must be less than or equal to 128'],
    [{ requireNumber: 'true' }, 'requireNumber: Expected boolean'],
    [{ disableSignup: 1 }, 'disableSignup: Expected boolean'],
    [{ verifyEmailMethod: 'magic' }, "verifyEmailMethod: Invalid enum value. Expected 'code' | 'link'"],
    [{ resetPasswordMethod: ['code'] }, "resetPasswordMethod: Invalid enum value. Expected 'code' | 'link'"],
    [{ allowedRedirectUrls: 'https://a.example.com' }, 'allowedRedirectUrls: Expected array'],
    [{ allowedRedirectUrls: ['javascript:alert(1)'] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [{ allowedRedirectUrls: ['https://user:pw@a.example.com/'] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [{ allowedRedirectUrls: ['https://*/'] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [{ allowedRedirectUrls: ['https://a.example.com/ x'] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [{ allowedRedirectUrls: [`https://a.example.com/${'x'.repeat(2048)}`] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [{ allowedRedirectUrls: [42] }, /^allowedRedirectUrls: Invalid URL or wildcard URL/],
    [
      { allowedRedirectUrls: Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com`) },
      'allowedRedirectUrls: Array must contain at most 100 element(s)',
    ],
  ])('refuses %j', async (body, message) => {
    const before = (await getConfig()).body;
    const r = await putConfig(body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid(message));
    expect((await getConfig()).body).toEqual(before);
  });

  it('refuses NUL bytes, lone surrogates and a body that is not an object', async () => {
    for (const body of [{ allowedRedirectUrls: ['https://a.example.com/\u0000'] }, { verifyEmailMethod: 'co\ud800de' }]) {
      const r = await putConfig(body);
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('INVALID_INPUT');
    }
    const raw = await call('PUT', '/api/auth/config', { rawBody: '[true]', headers: { ...admin, 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
    const notJson = await call('PUT', '/api/auth/config', {
      rawBody: '{"disableSignup":',
      headers: { ...admin, 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
  });

  it('a change reaches a second identity replica without a restart', async () => {
    await start('identity2');
    try {
      // the second replica serves the same policy...
      expect((await getConfig(admin, IDENTITY2_URL)).body).toEqual((await getConfig()).body);
      const signUpOn2 = () =>
        call('POST', '/api/auth/users?client_type=mobile', {
          base: IDENTITY2_URL,
          body: { email: randomEmail('replica'), password: PASSWORD },
          headers: bearer(ANON_KEY),
        });
      expect((await signUpOn2()).status).toBe(200);
      // ...and a change made through the edge (the first replica) applies there on its next request
      expect((await putConfig({ disableSignup: true, passwordMinLength: 20 })).status).toBe(200);
      let refused = await signUpOn2();
      await waitFor(
        async () => {
          refused = await signUpOn2();
          return refused.status === 403;
        },
        10_000,
        'the second replica to refuse sign-up',
      );
      expect(refused.body).toEqual(insforgeError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.'));
      const pub2 = await call('GET', '/api/auth/public-config', { base: IDENTITY2_URL });
      expect(pub2.body).toMatchObject({ disableSignup: true, passwordMinLength: 20 });
      // and back, made on the second replica this time, seen through the edge
      expect((await putConfig({ disableSignup: false }, admin, IDENTITY2_URL)).status).toBe(200);
      expect((await call('GET', '/api/auth/public-config')).body.disableSignup).toBe(false);
    } finally {
      await stop('identity2');
    }
  });

  it('refuses to require email verification without a usable mail setup, as InsForge does', async () => {
    // The stack's identity knows the mailer has an SMTP server (SMTP_HOST): allowed there.
    expect((await putConfig({ requireEmailVerification: true })).body.requireEmailVerification).toBe(true);
    expect((await putConfig({ requireEmailVerification: false })).status).toBe(200);
    // A replica told of no SMTP server, with no saved SMTP settings, refuses.
    await start('identity2', { SMTP_HOST: '' });
    try {
      const r = await putConfig({ requireEmailVerification: true, disableSignup: true }, admin, IDENTITY2_URL);
      expect(r.status).toBe(400);
      expect(r.body).toEqual(
        insforgeError(
          400,
          'EMAIL_PROVIDER_NOT_CONFIGURED',
          'An email provider must be configured before email verification can be required.',
          'Configure and enable custom SMTP, then retry. Cloud-linked projects can use the managed email provider.',
        ),
      );
      // nothing of the refused update applied
      expect((await getConfig()).body).toMatchObject({ requireEmailVerification: false, disableSignup: false });
      // turning it off never needs a provider
      expect((await putConfig({ requireEmailVerification: false }, admin, IDENTITY2_URL)).status).toBe(200);
    } finally {
      await stop('identity2');
    }
  });
});
