import { Queue } from 'bullmq';
import { QUEUES, type SendEmailJob } from '@app/contracts';
import { QUEUE_PREFIX } from '@app/core';
import { IDENTITY2_URL, PORTS, SINK_SMTP_AUTH } from '../harness/env.js';
import { sql } from '../harness/db.js';
import { call, mailbox, randomEmail, randomIp } from '../harness/http.js';
import { start, stop, waitFor } from '../harness/stack.js';
import { bearer, insforgeError, ISO_DATE, signUp, UUID } from '../identity/helpers.js';
import { ADMIN_REQUIRED, adminSignIn, apiKeyHeaders, NO_ADMIN_TOKEN } from './helpers.js';

const admin = apiKeyHeaders();
const TYPES = ['email-verification-code', 'email-verification-link', 'request-otp', 'reset-password-code', 'reset-password-link'];
const putSmtp = (body: unknown, headers: Record<string, string> = admin, base?: string) =>
  call('PUT', '/api/auth/smtp-config', { body, headers, base, ip: randomIp() });
const putTemplate = (type: string, body: unknown, headers: Record<string, string> = admin) =>
  call('PUT', `/api/auth/email-templates/${type}`, { body, headers, ip: randomIp() });
const invalid = (message: string | RegExp) => insforgeError(400, 'INVALID_INPUT', message);
const sendOtp = (email: string) => call('POST', '/api/auth/email/send-otp', { body: { email }, ip: randomIp() });

/** The sink as a saved SMTP server: loopback and not a mail port, so listed in SMTP_ALLOWED_TARGETS. */
const SINK_AS_SAVED = {
  enabled: true,
  host: '127.0.0.1',
  port: PORTS.smtp,
  username: SINK_SMTP_AUTH.user,
  password: SINK_SMTP_AUTH.password,
  senderEmail: 'saved-sender@mail.example.com',
  senderName: 'Saved Sender',
  minIntervalSeconds: 30,
};

async function resetMailSettings(): Promise<void> {
  await sql(`UPDATE identity.email_templates SET subject = NULL, body_html = NULL`);
  await sql(
    `UPDATE identity.smtp_config SET enabled = false, host = '', port = 465, username = '', password_sealed = NULL,
       sender_email = '', sender_name = '', min_interval_seconds = 60`,
  );
}

describe('admin mail settings', () => {
  beforeAll(resetMailSettings);
  afterAll(resetMailSettings);

  it('every route answers no credential with 401 and a user token with 403', async () => {
    const user = await signUp();
    for (const [method, path, body] of [
      ['GET', '/api/auth/smtp-config', undefined],
      ['PUT', '/api/auth/smtp-config', { enabled: false, port: 587 }],
      ['GET', '/api/auth/email-templates', undefined],
      ['PUT', '/api/auth/email-templates/request-otp', { subject: 'x', bodyHtml: 'y' }],
    ] as const) {
      expect({ path, body: (await call(method, path, { body, ip: randomIp() })).body }).toEqual({ path, body: NO_ADMIN_TOKEN });
      const r = await call(method, path, { body, headers: bearer(user.accessToken), ip: randomIp() });
      expect({ path, status: r.status, body: r.body }).toEqual({ path, status: 403, body: ADMIN_REQUIRED });
    }
  });

  describe('GET/PUT /api/auth/smtp-config', () => {
    it('starts disabled; saving checks the server, seals the password and never returns it', async () => {
      const initial = await call('GET', '/api/auth/smtp-config', { headers: admin });
      expect(initial.status).toBe(200);
      expect(initial.body).toEqual({
        id: expect.stringMatching(UUID),
        enabled: false,
        host: '',
        port: 465,
        username: '',
        hasPassword: false,
        senderEmail: '',
        senderName: '',
        minIntervalSeconds: 60,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const session = await adminSignIn();
      const saved = await putSmtp(SINK_AS_SAVED, bearer(session.accessToken));
      expect(saved.status).toBe(200);
      const { password: _password, ...shown } = SINK_AS_SAVED;
      expect(saved.body).toEqual({ ...initial.body, ...shown, hasPassword: true, updatedAt: expect.stringMatching(ISO_DATE) });
      expect(saved.text).not.toContain(SINK_SMTP_AUTH.password);
      const again = await call('GET', '/api/auth/smtp-config', { headers: admin });
      expect(again.body).toEqual(saved.body);
      expect(again.text).not.toContain(SINK_SMTP_AUTH.password);
      // at rest: an AES-GCM box, not the password
      const [row] = await sql<{ password_sealed: Record<string, string> }>(`SELECT password_sealed FROM identity.smtp_config`);
      expect(Object.keys(row!.password_sealed).sort()).toEqual(['ct', 'enc', 'iv', 'tag']);
      expect(JSON.stringify(row)).not.toContain(SINK_SMTP_AUTH.password);
      // an update without a password keeps the saved one
      const kept = await putSmtp({ ...SINK_AS_SAVED, password: undefined, senderName: 'Renamed' });
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ hasPassword: true, senderName: 'Renamed' });
      const [audit] = await sql<{ actor_type: string; details: Record<string, unknown> }>(
        `SELECT actor_type, details FROM identity.audit_events WHERE type = 'smtp_config.updated' ORDER BY occurred_at DESC LIMIT 1`,
      );
      expect(audit).toEqual({
        actor_type: 'api_key',
        details: {
          enabled: true,
          host: '127.0.0.1',
          port: PORTS.smtp,
          fields: ['enabled', 'host', 'port', 'username', 'senderEmail', 'senderName', 'minIntervalSeconds'],
        },
      });
      expect(JSON.stringify(audit)).not.toContain(SINK_SMTP_AUTH.password);
    });

    it('refuses credentials the server refuses, and saves nothing', async () => {
      const before = (await call('GET', '/api/auth/smtp-config', { headers: admin })).body;
      const r = await putSmtp({ ...SINK_AS_SAVED, password: 'wrong-password', senderName: 'Never saved' });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(insforgeError(400, 'EMAIL_SMTP_CONNECTION_FAILED', /^SMTP connection failed: /));
      expect((await call('GET', '/api/auth/smtp-config', { headers: admin })).body).toEqual(before);
    });

    it.each([
      ['loopback', '127.0.0.1', 25],
      ['loopback on the listed host but another port', '127.0.0.1', 587],
      ['the cloud metadata address', '169.254.169.254', 587],
      ['IPv6 loopback', '::1', 587],
      ['IPv4-mapped loopback', '::ffff:127.0.0.1', 465],
      ['a private network', '10.0.0.1', 2525],
      ['a name that resolves to loopback', 'localhost', 587],
      ['the unspecified address', '0.0.0.0', 25],
    ])('refuses %s (%s:%d) without connecting', async (_what, host, port) => {
      const r = await putSmtp({ ...SINK_AS_SAVED, host, port });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid('SMTP host is a private, loopback or link-local address, which is not allowed'));
    });

    it.each([
      [{ ...SINK_AS_SAVED, host: 'smtp.example.com', port: 2526 }, 'port: Port must be one of: 25, 465, 587, 2525'],
      [{ ...SINK_AS_SAVED, port: '587' }, 'port: Port must be one of: 25, 465, 587, 2525'],
      [
        { enabled: true, port: 587 },
        /^host: SMTP host is required, username: SMTP username is required, senderEmail: Invalid sender email, senderName: Sender name is required$/,
      ],
      [{ ...SINK_AS_SAVED, senderEmail: 'not-an-email' }, 'senderEmail: Invalid sender email'],
      [
        { ...SINK_AS_SAVED, senderName: 'Evil\r\nBcc: victim@example.com' },
        'senderName: Sender name must be one line without control characters',
      ],
      [{ ...SINK_AS_SAVED, username: 'u\nRCPT TO:<x@y>' }, 'username: SMTP username must be one line without control characters'],
      [{ ...SINK_AS_SAVED, host: 'smtp.example.com\r\nHELO x' }, 'host: SMTP host must be a host name or an IP address'],
      [{ ...SINK_AS_SAVED, password: '' }, 'password: SMTP password is required'],
      [{ ...SINK_AS_SAVED, minIntervalSeconds: -1 }, 'minIntervalSeconds: Number must be greater than or equal to 0'],
      [{ ...SINK_AS_SAVED, enabled: 'yes' }, 'enabled: Expected boolean'],
      [{ ...SINK_AS_SAVED, host: 'h'.repeat(254) }, 'host: SMTP host is too long'],
    ])('refuses %j', async (body, message) => {
      const r = await putSmtp(body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid(message));
    });

    it('refuses a NUL byte in any field', async () => {
      const r = await putSmtp({ ...SINK_AS_SAVED, password: 'sink\u0000password' });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('INVALID_INPUT');
    });

    it('cannot be disabled while email verification is required and the mailer has no SMTP server of its own', async () => {
      expect((await putSmtp(SINK_AS_SAVED)).status).toBe(200);
      // a replica told of no SMTP_HOST: only the saved settings make mail possible
      await start('identity2', { SMTP_HOST: '' });
      try {
        const on = await call('PUT', '/api/auth/config', { base: IDENTITY2_URL, body: { requireEmailVerification: true }, headers: admin });
        expect(on.status).toBe(200);
        const off = await putSmtp({ enabled: false, port: 465 }, admin, IDENTITY2_URL);
        expect(off.status).toBe(400);
        expect(off.body.error).toBe('EMAIL_PROVIDER_NOT_CONFIGURED');
        expect((await call('GET', '/api/auth/smtp-config', { headers: admin })).body.enabled).toBe(true);
      } finally {
        await call('PUT', '/api/auth/config', { body: { requireEmailVerification: false }, headers: admin });
        await stop('identity2');
      }
    });
  });

  describe('GET /api/auth/email-templates, PUT /api/auth/email-templates/:type', () => {
    it('lists the five built-in templates until one is saved', async () => {
      const r = await call('GET', '/api/auth/email-templates', { headers: admin });
      expect(r.status).toBe(200);
      expect(r.body.data.map((t: { templateType: string }) => t.templateType)).toEqual(TYPES);
      for (const t of r.body.data) {
        expect(t).toEqual({
          id: expect.stringMatching(UUID),
          templateType: t.templateType,
          subject: expect.any(String),
          bodyHtml: expect.stringContaining('<html'),
          createdAt: expect.stringMatching(ISO_DATE),
          updatedAt: expect.stringMatching(ISO_DATE),
        });
      }
    });

    it('saves a template that renders and lists it', async () => {
      const body = { subject: 'Your code: {{ token }}', bodyHtml: '<p>Hello {{ name }}, code <b>{{ token }}</b> for {{ email }}</p>' };
      const r = await putTemplate('reset-password-code', body);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        id: expect.stringMatching(UUID),
        templateType: 'reset-password-code',
        ...body,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const list = await call('GET', '/api/auth/email-templates', { headers: admin });
      expect(list.body.data.find((t: { templateType: string }) => t.templateType === 'reset-password-code')).toEqual(r.body);
      const [audit] = await sql<{ target_id: string }>(
        `SELECT target_id FROM identity.audit_events WHERE type = 'email_template.updated' ORDER BY occurred_at DESC LIMIT 1`,
      );
      expect(audit!.target_id).toBe('reset-password-code');
    });

    it.each([
      ['a partial', '<p>{{> layout }}</p>'],
      ['a helper that reads prototypes', "<p>{{ lookup this 'constructor' }}</p>"],
      ['a prototype walk', '<p>{{ constructor.constructor }}</p>'],
      ['__proto__', '<p>{{ __proto__.polluted }}</p>'],
      ['#each over the context', '<p>{{#each this}}{{@key}}{{/each}}</p>'],
      ['#with', '<p>{{#with email}}{{length}}{{/with}}</p>'],
      ['an unknown variable', '<p>{{ password }}</p>'],
      ['unescaped output', '<p>{{{ name }}}</p>'],
      ['a syntax error', '<p>{{#if token}}</p>'],
      ['a helper call with a file path', "<p>{{ readFile '/etc/passwd' }}</p>"],
    ])('refuses a template with %s and keeps the saved one', async (_what, bodyHtml) => {
      const before = (await call('GET', '/api/auth/email-templates', { headers: admin })).body;
      const r = await putTemplate('request-otp', { subject: 'Code {{ token }}', bodyHtml });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid(/^Template does not render: /));
      expect(r.text).not.toContain('/etc/passwd:');
      expect((await call('GET', '/api/auth/email-templates', { headers: admin })).body).toEqual(before);
    });

    it.each([
      [
        'subject with CRLF (header injection)',
        { subject: 'Hi\r\nBcc: victim@example.com', bodyHtml: '<p>x</p>' },
        'subject: Subject must be one line',
      ],
      ['an empty subject', { subject: '', bodyHtml: '<p>x</p>' }, 'subject: Subject is required'],
      ['an empty body', { subject: 'x', bodyHtml: '' }, 'bodyHtml: Template body is required'],
      ['an oversize body', { subject: 'x', bodyHtml: 'x'.repeat(50_001) }, 'bodyHtml: Template body must be at most 50000 characters'],
      ['an oversize subject', { subject: 'x'.repeat(301), bodyHtml: '<p>x</p>' }, 'subject: Subject must be at most 300 characters'],
      ['a missing body', { subject: 'x' }, 'bodyHtml: Expected string'],
    ])('refuses %s', async (_what, body, message) => {
      const r = await putTemplate('request-otp', body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual(invalid(message));
    });

    it('refuses an unknown type, a NUL byte, and a body over the request limit', async () => {
      const bad = await putTemplate('welcome', { subject: 'x', bodyHtml: 'y' });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(
        invalid(
          'type: Invalid template type. Must be one of: email-verification-code, email-verification-link, request-otp, reset-password-code, reset-password-link',
        ),
      );
      const proto = await putTemplate('__proto__', { subject: 'x', bodyHtml: 'y' });
      expect(proto.status).toBe(400);
      const nul = await putTemplate('request-otp', { subject: 'x', bodyHtml: '<p>\u0000</p>' });
      expect(nul.status).toBe(400);
      const huge = await putTemplate('request-otp', { subject: 'x', bodyHtml: 'x'.repeat(200_000) });
      expect(huge.status).toBe(413);
    });
  });

  it('the mailer sends with the saved template through the saved SMTP server, without a restart, and back', async () => {
    expect((await putSmtp({ ...SINK_AS_SAVED, senderName: 'Saved Sender' })).status).toBe(200);
    const tpl = await putTemplate('request-otp', {
      subject: '{{ token }} opens {{ productName }}',
      bodyHtml: '<html><body><p>Custom OTP for {{ email }}: <b>{{ token }}</b></p></body></html>',
    });
    expect(tpl.status).toBe(200);

    const email = randomEmail('savedsmtp');
    expect((await sendOtp(email)).status).toBe(202);
    const [m] = await mailbox.waitFor(email, 1, 30_000);
    expect(m!.authUser).toBe(SINK_SMTP_AUTH.user);
    expect(m!.envelopeFrom).toBe('saved-sender@mail.example.com');
    expect(m!.from).toMatch(/^"?Saved Sender"? <saved-sender@mail.example.com>$/);
    expect(m!.subject).toMatch(/^\d{6} opens Auth E2E$/);
    const code = m!.subject.slice(0, 6);
    expect(m!.html).toContain(`Custom OTP for ${email}: <b>${code}</b>`);
    expect(m!.text).toContain(`Custom OTP for ${email}: ${code}`);

    // disabled again: the environment's server (no SMTP AUTH) and the saved template still
    expect((await putSmtp({ ...SINK_AS_SAVED, enabled: false })).status).toBe(200);
    const email2 = randomEmail('envsmtp');
    expect((await sendOtp(email2)).status).toBe(202);
    const [m2] = await mailbox.waitFor(email2, 1, 30_000);
    expect(m2!.authUser).toBeNull();
    expect(m2!.from).toMatch(/^"?Auth E2E"? <no-reply@auth.test>$/);
    expect(m2!.subject).toMatch(/^\d{6} opens Auth E2E$/);
  });

  it('the mailer checks a saved server again on the address it connects to, and sends nothing when it is now refused', async () => {
    expect((await putSmtp(SINK_AS_SAVED)).status).toBe(200);
    // As if the saved name had come to resolve elsewhere since it was checked (DNS rebinding): the
    // server it now names is loopback on a port no one listed.
    await sql(`UPDATE identity.smtp_config SET port = 25`);
    const email = randomEmail('rebind');
    expect((await sendOtp(email)).status).toBe(202);
    const queue = new Queue<SendEmailJob>(QUEUES.EMAIL, { prefix: QUEUE_PREFIX, connection: { host: '127.0.0.1', port: PORTS.redis } });
    try {
      let failed: { failedReason: string; attemptsMade: number; data: SendEmailJob } | undefined;
      await waitFor(
        async () => {
          failed = (await queue.getFailed()).find((j) => j.data.to === email);
          return failed !== undefined;
        },
        30_000,
        'the mail job to fail',
      );
      expect(failed!.failedReason).toMatch(/target policy/);
      expect(failed!.attemptsMade).toBe(1); // not retried: retrying cannot make it allowed
      expect(JSON.stringify(failed!.data)).not.toContain(SINK_SMTP_AUTH.password);
      expect(failed!.data.smtp).toMatchObject({ host: '127.0.0.1', port: 25, password: { enc: 'A256GCM' } });
      expect(await mailbox.list(email)).toHaveLength(0);
    } finally {
      await queue.close();
      await resetMailSettings();
    }
  });
});
