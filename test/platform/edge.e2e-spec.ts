import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { PORTS, ROOT } from '../harness/env.js';
import { call, randomIp } from '../harness/http.js';
import { alive, pidOf, start, stop, waitFor } from '../harness/stack.js';

/**
 * The edge (nginx, configured by gateway/nginx.mjs from gateway/routes.json) answers some errors
 * itself: those must look like the API behind them. Raw sockets, so that what happens to a
 * keep-alive connection after an error is visible.
 */
const ROUTES = (JSON.parse(readFileSync(join(ROOT, 'gateway/routes.json'), 'utf8')) as { routes: { prefix: string }[] }).routes;
const LIMIT = 65536; // BODY_LIMIT_BYTES of the e2e stack (the default)
const isGorb = (path: string) => path === '/v1' || path.startsWith('/v1/');

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One keep-alive connection to the base URL that sends requests and parses the responses. */
class Connection {
  private buf = Buffer.alloc(0);
  private waiting?: () => void;
  closed = false;
  error?: Error;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', (e) => {
      this.error = e;
    });
  }

  static open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: PORTS.gateway }, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(head: string, body?: Buffer | string): void {
    this.socket.write(head);
    if (body !== undefined) this.socket.write(body);
  }

  private async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 45_000;
    while (!check()) {
      if (this.closed && !check()) throw new Error(`connection closed before ${what}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within 45 s`);
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 250);
      });
    }
  }

  async response(): Promise<RawResponse> {
    await this.until(() => this.buf.includes('\r\n\r\n'), 'response head');
    const end = this.buf.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
      }),
    );
    if (headers['transfer-encoding']) throw new Error('expected a Content-Length response');
    const length = Number(headers['content-length']);
    await this.until(() => this.buf.length >= end + 4 + length, 'response body');
    const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buf = this.buf.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  /** After a response: the connection is either closed by the server or still serves requests. */
  async stillUsableOrClosedCleanly(): Promise<'closed' | 'reused'> {
    if (this.buf.length > 0) throw new Error('unexpected bytes after the response');
    const last = await this.lastResponse;
    if (last?.headers.connection?.toLowerCase() === 'close') {
      await this.until(() => this.closed, 'close after Connection: close');
      if (this.error) throw new Error(`closed by a reset, not cleanly: ${this.error.message}`);
      return 'closed';
    }
    this.send('GET /api/auth/public-config HTTP/1.1\r\nHost: edge.test\r\n\r\n');
    const r = await this.response();
    this.socket.destroy();
    if (r.status !== 200) throw new Error(`the reused connection answered ${r.status}`);
    return 'reused';
  }

  lastResponse?: Promise<RawResponse>;
}

const oversizedJson = (size: number) => JSON.stringify({ email: 'a@b.co', pad: 'x'.repeat(size) });

async function sendOversized(
  path: string,
  mode: 'content-length' | 'chunked',
  origin?: string,
): Promise<{ r: RawResponse; after: string }> {
  const c = await Connection.open();
  const body = Buffer.from(oversizedJson(LIMIT + 4096));
  const common = `POST ${path} HTTP/1.1\r\nHost: edge.test\r\nContent-Type: application/json\r\n${origin ? `Origin: ${origin}\r\n` : ''}`;
  if (mode === 'content-length') c.send(`${common}Content-Length: ${body.length}\r\n\r\n`, body);
  else {
    // The same body in chunks of 8 KiB: its size is known only as it arrives.
    c.send(`${common}Transfer-Encoding: chunked\r\n\r\n`);
    for (let i = 0; i < body.length; i += 8192) {
      const chunk = body.subarray(i, i + 8192);
      c.send(`${chunk.length.toString(16)}\r\n`, Buffer.concat([chunk, Buffer.from('\r\n')]));
    }
    c.send('0\r\n\r\n');
  }
  c.lastResponse = c.response();
  const r = await c.lastResponse;
  return { r, after: await c.stillUsableOrClosedCleanly() };
}

const expected413 = (path: string) =>
  isGorb(path)
    ? { message: 'Request body is too large' }
    : { error: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large', statusCode: 413 };

describe('edge: bodies over BODY_LIMIT_BYTES', () => {
  const paths = ROUTES.flatMap(({ prefix }) => [prefix, `${prefix}/sessions`]);

  it.each(['content-length', 'chunked'] as const)(
    'get 413 PAYLOAD_TOO_LARGE in the API shape on every route, in parallel, and the connection stays usable or is closed cleanly (%s)',
    async (mode) => {
      const results = await Promise.all(
        paths.flatMap((path) => [0, 1, 2, 3].map(async () => ({ path, ...(await sendOversized(path, mode)) }))),
      );
      expect(results).toHaveLength(paths.length * 4);
      for (const { path, r, after } of results) {
        expect(`${path} ${r.status}`).toBe(`${path} 413`);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(r.body)).toEqual(expected413(path));
        expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(['closed', 'reused']).toContain(after);
      }
    },
  );

  it('a body just under the limit still reaches the app', async () => {
    const body = oversizedJson(LIMIT - 200);
    expect(body.length).toBeLessThan(LIMIT);
    const r = await call('POST', '/api/auth/email/send-otp', {
      rawBody: body,
      headers: { 'content-type': 'application/json' },
      ip: randomIp(),
    });
    // The app's own answer (accepted, or its validation), never the edge's 413.
    expect([202, 400]).toContain(r.status);
    expect(r.body.statusCode ?? 202).toBe(r.status);
  });

  it('carries CORS headers for an allowed origin on its own errors, and none for others', async () => {
    const allowed = await sendOversized('/api/auth/users', 'content-length', 'http://app.example.test');
    expect(allowed.r.headers['access-control-allow-origin']).toBe('http://app.example.test');
    expect(allowed.r.headers['access-control-allow-credentials']).toBe('true');
    const other = await sendOversized('/api/auth/users', 'content-length', 'https://evil.example');
    expect(other.r.status).toBe(413);
    expect(other.r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('edge: paths nothing routes', () => {
  it.each(['/', '/nope', '/api/authx/sessions', '/api', '/v10/login', '/metrics', '/health/ready'])(
    '%s -> 404 in InsForge shape',
    async (path) => {
      const r = await call('GET', path);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error: 'NOT_FOUND', message: `Endpoint ${path} not found`, statusCode: 404 });
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it.each(['/api/auth/sessions/%00', '/v1/auth/%00', '/nope%00'])(
    '%s (a NUL nginx refuses itself) -> 400 JSON, never its HTML',
    async (path) => {
      const r = await call('DELETE', path);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'INVALID_INPUT', message: 'Malformed request', statusCode: 400 });
    },
  );

  it('keeps its error pages internal', async () => {
    const r = await call('GET', '/.edge-error/gorb/503');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'NOT_FOUND', message: 'Endpoint /.edge-error/gorb/503 not found', statusCode: 404 });
  });

  it('never reflects a path that could break out of the JSON', async () => {
    const c = await Connection.open();
    c.send('GET /nope"},"x":"<script> HTTP/1.1\r\nHost: edge.test\r\nConnection: close\r\n\r\n');
    const r = await c.response();
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({ error: 'NOT_FOUND', message: 'Endpoint (this path) not found', statusCode: 404 });
  });
});

describe('edge: X-Request-Id', () => {
  it('passes a sane X-Request-Id to the app and back, and replaces anything else', async () => {
    const given = `edge-${Date.now()}`;
    const ok = await call('GET', '/api/auth/public-config', { headers: { 'x-request-id': given } });
    expect(ok.headers.get('x-request-id')).toBe(given);
    for (const bad of ['has space', 'x'.repeat(200), 'semi;colon']) {
      const r = await call('GET', '/api/auth/public-config', { headers: { 'x-request-id': bad } });
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const own = await call('GET', '/nope', { headers: { 'x-request-id': given } });
    expect(own.headers.get('x-request-id')).toBe(given);
  });
});

describe('edge: an app that is down', () => {
  afterAll(async () => {
    if (!alive(pidOf('identity'))) await start('identity');
    await waitFor(async () => (await call('GET', '/api/auth/public-config')).status === 200, 30_000, 'identity behind the edge');
  });

  it('gets 503 from nginx in InsForge shape under /api/auth and Gorb shape under /v1, and recovers when the app is back', async () => {
    await stop('identity');
    const insforge = await call('GET', '/api/auth/public-config');
    expect(insforge.status).toBe(503);
    expect(insforge.body).toEqual({ error: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable', statusCode: 503 });
    expect(insforge.headers.get('retry-after')).toBe('1');
    const gorb = await call('POST', '/v1/login', { body: { identifier: 'someone', password: 'x', device_name: 'd' } });
    expect(gorb.status).toBe(503);
    expect(gorb.body).toEqual({ message: 'Service temporarily unavailable' });
    const jwks = await call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(503);
    // Profiles is up: its routes still work.
    expect((await call('GET', '/api/auth/profiles/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    await start('identity');
    const back = await call('GET', '/api/auth/public-config');
    expect(back.status).toBe(200);
  });
});
