import { request } from 'node:http';
import { ANON_KEY, BASE_URL, PORTS } from '../harness/env.js';
import { randomEmail } from '../harness/http.js';

/**
 * TRUSTED_PROXIES (default 127.0.0.1/32,::1/128): only those peers' X-Forwarded-For counts, at the
 * edge and at the apps. The test connects from other loopback addresses (127.0.0.3, 127.0.0.4:
 * Linux routes all of 127/8 to lo) to play a client that is not a trusted proxy.
 */
const DIRECT_URL = `http://127.0.0.1:${PORTS.identity}`;
const TRUSTED_PEER = '127.0.0.1';

interface Raw {
  status: number;
  body: any;
}

function rawCall(base: string, from: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Raw> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        agent: false,
        headers: {
          ...headers,
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Signs up (mobile) from `from` with the given forwarded header; returns the IP its session records. */
async function recordedIp(base: string, from: string, forwardedFor?: string): Promise<string> {
  const headers: Record<string, string> = { authorization: `Bearer ${ANON_KEY}` };
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  const up = await rawCall(base, from, 'POST', '/api/auth/users?client_type=mobile', headers, {
    email: randomEmail('client-ip'),
    password: 'Client-IP-Passw0rd!',
  });
  expect(up.status).toBe(200);
  const list = await rawCall(base, TRUSTED_PEER, 'GET', '/api/auth/sessions', { authorization: `Bearer ${up.body.accessToken}` });
  expect(list.status).toBe(200);
  expect(list.body.sessions).toHaveLength(1);
  return list.body.sessions[0].ip as string;
}

describe('client IP: X-Forwarded-For counts only from TRUSTED_PROXIES', () => {
  it.each([
    ['the base URL', BASE_URL],
    ["identity's own port", DIRECT_URL],
  ])('through %s, a spoofed X-Forwarded-For from an untrusted peer is ignored', async (_via, base) => {
    expect(await recordedIp(base, '127.0.0.3', '203.0.113.10')).toBe('127.0.0.3');
    expect(await recordedIp(base, '127.0.0.3', '203.0.113.10, 198.51.100.2')).toBe('127.0.0.3');
    expect(await recordedIp(base, '127.0.0.3')).toBe('127.0.0.3');
  });

  it.each([
    ['the base URL', BASE_URL],
    ["identity's own port", DIRECT_URL],
  ])('through %s, a trusted proxy (loopback) names the client', async (_via, base) => {
    expect(await recordedIp(base, TRUSTED_PEER, '203.0.113.11')).toBe('203.0.113.11');
    // A chain: the right-most address that is not a trusted proxy is the client.
    expect(await recordedIp(base, TRUSTED_PEER, '198.51.100.9, 203.0.113.12')).toBe('203.0.113.12');
  });

  it('per-IP rate limits cannot be escaped by rotating X-Forwarded-For from an untrusted peer', async () => {
    const sendOtp = (from: string, forwardedFor: string) =>
      rawCall(BASE_URL, from, 'POST', '/api/auth/email/send-otp', { 'x-forwarded-for': forwardedFor }, { email: randomEmail('ip-limit') });
    // Whatever the per-IP budget is, an untrusted peer exhausts it although every request claims
    // another address...
    let sent = 0;
    let last: Raw | undefined;
    while (sent < 300) {
      last = await sendOtp('127.0.0.4', `198.51.100.${(sent % 250) + 1}`);
      sent++;
      if (last.status !== 202) break;
    }
    expect(last?.status).toBe(429);
    expect(last?.body).toMatchObject({ error: 'TOO_MANY_REQUESTS', statusCode: 429 });
    // ...while the same number of requests through a trusted proxy, each for another client, all pass.
    for (let i = 0; i < sent; i++) {
      const r = await sendOtp(TRUSTED_PEER, `203.0.113.${(i % 250) + 1}`);
      expect(`${i}: ${r.status}`).toBe(`${i}: 202`);
    }
  });
});
