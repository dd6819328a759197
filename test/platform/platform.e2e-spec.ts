import { MANAGEMENT_URL, PORTS } from '../harness/env.js';
import { call, codeIn, mailbox, randomEmail, randomIp } from '../harness/http.js';

const insforgeError = (status: number, error: string) =>
  expect.objectContaining({ statusCode: status, error, message: expect.any(String) });

describe('platform: one base URL in front of three apps', () => {
  it('serves public-config through the gateway with our defaults', async () => {
    const r = await call('GET', '/api/auth/public-config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      oAuthProviders: ['google', 'github'], // the stack's OAUTH_CLIENTS
      customOAuthProviders: [],
      requireEmailVerification: false,
      passwordMinLength: 8,
      requireNumber: false,
      requireLowercase: false,
      requireUppercase: false,
      requireSpecialChar: false,
      verifyEmailMethod: 'code',
      resetPasswordMethod: 'code',
      disableSignup: false,
    });
  });

  it.each(['identity', 'profiles', 'mailer'] as const)(
    '%s answers live, ready (with its dependencies) and metrics on its management port',
    async (name) => {
      const base = MANAGEMENT_URL[name];
      const live = await fetch(`${base}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      expect(body.info.redis?.status).toBe('up');
      if (name !== 'mailer') expect(body.info.database?.status).toBe('up');
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain(`app="${name}"`);
      // Nothing else lives there: the management port is not a second API port.
      expect((await fetch(`${base}/api/auth/public-config`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    },
  );

  it.each([
    ['identity', PORTS.identity],
    ['profiles', PORTS.profiles],
  ])('%s serves no health or metrics on its API port', async (_name, port) => {
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(`${path} ${r.status}`).toBe(`${path} 404`);
      expect(await r.json()).toEqual({ error: 'NOT_FOUND', message: `Endpoint ${path} not found`, statusCode: 404 });
    }
  });

  it('listens on IPv6 as well as IPv4 (HOST defaults to ::)', async () => {
    expect((await fetch(`http://[::1]:${PORTS.identity}/api/auth/public-config`)).status).toBe(200);
    expect((await fetch(`http://[::1]:${PORTS.identityManagement}/health/live`)).status).toBe(200);
    expect((await fetch(`http://[::1]:${PORTS.mailerManagement}/health/live`)).status).toBe(200);
  });

  it.each(['/metrics', '/health/live', '/health/ready'])('does not route %s through the public base URL', async (path) => {
    const r = await call('GET', path);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'NOT_FOUND', message: `Endpoint ${path} not found`, statusCode: 404 });
  });

  it('crosses all three apps: HTTP into identity -> queue -> mailer -> SMTP', async () => {
    const email = randomEmail('roundtrip');
    const requestId = `rt-${Date.now()}`;
    const r = await call('POST', '/api/auth/email/send-otp', { body: { email }, ip: randomIp(), headers: { 'x-request-id': requestId } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ success: true, message: 'If sign-in is available for this email, we have sent a verification code.' });
    expect(r.headers.get('x-request-id')).toBe(requestId);
    const [mail] = await mailbox.waitFor(email);
    expect(mail!.to).toEqual([email]);
    expect(mail!.subject).toBe('Your sign-in code for Auth E2E');
    expect(codeIn(mail!)).toMatch(/^\d{6}$/);
    expect(mail!.headers['x-request-id']).toBe(requestId);
  });

  it('gives every response a request id', async () => {
    const r = await call('GET', '/api/auth/public-config');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('platform: bad input gets a 4xx in the InsForge error shape', () => {
  const ip = randomIp();
  const post = (rawBody: string, contentType = 'application/json') =>
    call('POST', '/api/auth/email/send-otp', { rawBody, headers: { 'content-type': contentType }, ip });

  it('malformed JSON -> 400 INVALID_INPUT', async () => {
    const r = await post('{"email": ');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Malformed JSON in request body', statusCode: 400 });
  });

  it('wrong content type -> 415', async () => {
    const r = await post('email=a@b.co', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(415);
    expect(r.body).toEqual(insforgeError(415, 'UNSUPPORTED_MEDIA_TYPE'));
  });

  it('oversized body -> 413', async () => {
    const r = await post(JSON.stringify({ email: 'a@b.co', pad: 'x'.repeat(70 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.body).toEqual(insforgeError(413, 'PAYLOAD_TOO_LARGE'));
  });

  it('deeply nested JSON -> 400', async () => {
    const r = await post(`{"email":"a@b.co","x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Request body is nested too deeply', statusCode: 400 });
  });

  it('prototype pollution keys -> 400', async () => {
    const r = await post('{"email":"a@b.co","__proto__":{"admin":true}}');
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT'));
  });

  it.each([['[]'], ['"text"'], ['42'], ['null']])('a body that is not an object (%s) -> 400', async (raw) => {
    const r = await post(raw);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Request body must be a JSON object', statusCode: 400 });
  });

  it('wrong types and missing fields -> 400 naming the field', async () => {
    for (const body of [{}, { email: 42 }, { email: ['a@b.co'] }, { email: 'not-an-email' }]) {
      const r = await call('POST', '/api/auth/email/send-otp', { body, ip });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT'));
      expect((r.body as { message: string }).message).toMatch(/^email: /);
    }
  });

  it('unknown route -> 404 NOT_FOUND "Endpoint <url> not found"', async () => {
    const r = await call('GET', '/api/auth/does-not-exist?x=1');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'NOT_FOUND', message: 'Endpoint /api/auth/does-not-exist?x=1 not found', statusCode: 404 });
  });

  it('unknown route under /v1 -> 404 in the Gorb shape', async () => {
    const r = await call('GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'Endpoint /v1/nothing-here not found' });
  });
});

describe('platform: CORS from an allow-list', () => {
  it('allows a listed origin with credentials', async () => {
    const r = await call('OPTIONS', '/api/auth/sessions', {
      headers: { origin: 'http://app.example.test', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBeLessThan(300);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://app.example.test');
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('a preflight from an unlisted origin -> 204 with no CORS headers (not a 404 that reads like a missing route), on each API', async () => {
    for (const path of ['/api/auth/sessions', '/api/auth/profiles/current', '/v1/login', '/api/auth/no-such-route']) {
      const r = await call('OPTIONS', path, {
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect({ path, status: r.status }).toEqual({ path, status: 204 });
      expect(r.text).toBe('');
      for (const h of [
        'access-control-allow-origin',
        'access-control-allow-credentials',
        'access-control-allow-methods',
        'access-control-allow-headers',
      ]) {
        expect(r.headers.get(h)).toBeNull();
      }
    }
    // the apps themselves answer so, not only the edge in front of them
    for (const url of [
      `http://127.0.0.1:${PORTS.identity}/api/auth/sessions`,
      `http://127.0.0.1:${PORTS.profiles}/api/auth/profiles/current`,
    ]) {
      const r = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' },
      });
      expect({ url, status: r.status }).toEqual({ url, status: 204 });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    // a plain OPTIONS (not a preflight) is routed as before
    expect((await call('OPTIONS', '/api/auth/no-such-route')).status).toBe(404);
  });

  it('never reflects an unlisted origin', async () => {
    const r = await call('GET', '/api/auth/public-config', { headers: { origin: 'https://evil.example' } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});
