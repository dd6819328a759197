import { connect } from 'node:net';
import { PORTS } from '../harness/env.js';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { type ApiOperation, hasErrorShape, loadOperations, urlFor, withValueAt } from '../harness/openapi-operations.js';

/**
 * U+0000 and unpaired UTF-16 surrogates are refused at the edge of every app with 400
 * INVALID_INPUT naming the field, before any guard or handler (PostgreSQL refuses both and used
 * to turn them into 500s). Walks every operation of both OpenAPI documents and plants such strings
 * in every string field of the body, every query parameter and every path parameter.
 */

const MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** JSON-encoded by fetch as \u0000, \ud800, \udfff: exactly what a hostile client sends. */
const HOSTILE = { nul: 'a\u0000b', 'lone high surrogate': 'x\uD800', 'lone low surrogate': '\uDFFFy', 'reversed pair': '\uDC00\uD800' };
/** In a URL: a percent-encoded NUL, an encoded lone surrogate (invalid UTF-8), and a stray byte. */
const HOSTILE_URL = { nul: '%00', 'encoded lone surrogate': '%ED%A0%80', 'stray byte': '%FF' };

/** The field name as the error message shows it (array indexes in brackets). */
const fieldName = (at: string[]) => at.map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i ? `.${k}` : k)).join('');

function expectRefused(op: ApiOperation, r: Reply, field: string): void {
  const where = `${op.method} ${op.path} ${field}: ${r.status} ${r.text}`;
  expect([where, r.status]).toEqual([where, 400]);
  expect(hasErrorShape(op.style, r.status, r.body)).toBe(true);
  if (op.style === 'insforge') expect(r.body.error).toBe('INVALID_INPUT');
  expect(r.body.message).toBe(`${field}: ${MESSAGE}`);
}

describe('hostile strings at the edge of every app', () => {
  let operations: ApiOperation[];
  const ip = randomIp();

  beforeAll(async () => {
    operations = await loadOperations();
  });

  it('walks every documented operation of both apps', () => {
    const names = operations.map((o) => `${o.method} ${o.path}`);
    // A floor, so that a document that fails to list its routes cannot make the walk vacuous.
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/auth/users',
        'POST /api/auth/refresh',
        'GET /api/auth/email/verify-link',
        'DELETE /api/auth/sessions/{id}',
        'POST /v1/register',
        'POST /v1/login',
        'GET /api/auth/profiles/{userId}',
        'PATCH /api/auth/profiles/current',
      ]),
    );
    // Every body has a string field to plant in, except those that hold only numbers (the key
    // rotations' `gracePeriodHours`); a new one here is either one of those or a schema the walk misreads.
    expect(
      operations
        .filter((o) => o.bodySchema && o.bodyStringFields.length === 0)
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual(['POST /api/secrets/anon-key/rotate', 'POST /api/secrets/api-key/rotate']);
  });

  it('every string field of every request body, at any depth', async () => {
    let planted = 0;
    for (const op of operations.filter((o) => o.bodyStringFields.length)) {
      for (const at of op.bodyStringFields) {
        for (const bad of Object.values(HOSTILE)) {
          const r = await call(op.method, urlFor(op), { body: withValueAt(op.sampleBody, at, bad), ip });
          expectRefused(op, r, fieldName(at));
          planted++;
        }
      }
    }
    expect(planted).toBeGreaterThan(100);
  });

  it('object keys anywhere in a body', async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const r = await call(op.method, urlFor(op), { body: { ...op.sampleBody, ['k\u0000']: 'v' }, ip });
      expectRefused(op, r, 'k\\u0000');
      const nested = await call(op.method, urlFor(op), { body: { ...op.sampleBody, deep: [{ ['\uD800']: 1 }] }, ip });
      expectRefused(op, nested, 'deep[0].\\ud800');
    }
  });

  it('every query parameter, decoded or not decodable', async () => {
    let planted = 0;
    for (const op of operations) {
      for (const p of op.params.filter((x) => x.in === 'query')) {
        for (const bad of Object.values(HOSTILE_URL)) {
          const others = urlFor({ ...op, params: op.params.filter((x) => x !== p) });
          const url = `${others}${others.includes('?') ? '&' : '?'}${encodeURIComponent(p.name)}=${bad}`;
          const r = await call(op.method, url, { body: op.sampleBody, ip });
          expectRefused(op, r, `query.${p.name}`);
          planted++;
        }
      }
    }
    expect(planted).toBeGreaterThanOrEqual(18);
  });

  it('a query parameter no route reads is refused all the same', async () => {
    for (const op of operations) {
      const r = await call(op.method, urlFor(op, {}, 'unused=%00'), { body: op.sampleBody, ip });
      expectRefused(op, r, 'query.unused');
    }
  });

  it('every path parameter', async () => {
    const withParams = operations.filter((o) => o.params.some((p) => p.in === 'path'));
    expect(withParams.length).toBeGreaterThanOrEqual(2);
    for (const op of withParams) {
      for (const p of op.params.filter((x) => x.in === 'path')) {
        const nulPath = op.path.replace(`{${p.name}}`, '%00');
        // Through the base URL, nginx refuses a NUL in the request line itself, before any app:
        // 400 in the API's error shape (it cannot name the field; nothing reached a route)...
        const nul = await call(op.method, nulPath, { body: op.sampleBody, ip });
        expect([`${op.method} ${nulPath}`, nul.status]).toEqual([`${op.method} ${nulPath}`, 400]);
        expect(hasErrorShape(op.style, nul.status, nul.body) || hasErrorShape('insforge', nul.status, nul.body)).toBe(true);
        // ...and the app itself, reached directly, refuses it naming the field.
        const fromApp = await fetch(`http://127.0.0.1:${PORTS[op.app]}${nulPath}`, {
          method: op.method,
          headers: op.sampleBody ? { 'content-type': 'application/json' } : {},
          body: op.sampleBody ? JSON.stringify(op.sampleBody) : undefined,
        });
        const text = await fromApp.text();
        expectRefused(op, { status: fromApp.status, headers: fromApp.headers, body: JSON.parse(text), text }, `path.${p.name}`);
        // Not UTF-8 at all: refused by the router before any route matches, in the same shape,
        // through the base URL (the edge may refuse it first) and by the app itself.
        for (const bad of ['%ED%A0%80', '%FF', 'a%C0%80']) {
          const path = op.path.replace(`{${p.name}}`, bad);
          const r = await call(op.method, path, { body: op.sampleBody, ip });
          expect([`${op.method} ${path}`, r.status]).toEqual([`${op.method} ${path}`, 400]);
          expect(hasErrorShape(op.style, r.status, r.body)).toBe(true);
          const app = await fetch(`http://127.0.0.1:${PORTS[op.app]}${path}`, {
            method: op.method,
            headers: op.sampleBody ? { 'content-type': 'application/json' } : {},
            body: op.sampleBody ? JSON.stringify(op.sampleBody) : undefined,
          });
          expect(app.status).toBe(400);
          expect(await app.json()).toEqual({
            error: 'INVALID_INPUT',
            message: 'path: not valid percent-encoded UTF-8',
            statusCode: 400,
          });
        }
      }
    }
  });

  it('cookie values (percent-decoded by the cookie parser)', async () => {
    for (const path of ['/api/auth/refresh', '/api/auth/logout']) {
      const r = await call('POST', path, { headers: { cookie: 'insforge_refresh_token=abc%00def', 'x-csrf-token': 'x' }, ip });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'INVALID_INPUT', message: `cookie.insforge_refresh_token: ${MESSAGE}`, statusCode: 400 });
    }
  });

  it('a raw NUL in a header never reaches an app: the HTTP parser refuses it with a 4xx', async () => {
    for (const header of ['User-Agent: a\u0000b', 'X-CSRF-Token: \u0000', 'Authorization: Bearer a\u0000b']) {
      const status = await new Promise<number>((resolve, reject) => {
        const socket = connect(PORTS.gateway, '127.0.0.1', () => {
          socket.write(`GET /api/auth/sessions/current HTTP/1.1\r\nHost: localhost\r\n${header}\r\nConnection: close\r\n\r\n`, 'latin1');
        });
        let data = '';
        socket.on('data', (d) => (data += d.toString('latin1')));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
        socket.on('error', reject);
      });
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });

  it('the cases that used to be 500s: sign-up name, Gorb identifier, email and device_name', async () => {
    const signUp = await call('POST', '/api/auth/users', {
      body: { email: randomEmail(), password: 'Hostile-passw0rd', name: 'Ada\u0000' },
      ip,
    });
    expect(signUp.status).toBe(400);
    expect(signUp.body).toEqual({ error: 'INVALID_INPUT', message: `name: ${MESSAGE}`, statusCode: 400 });
    const base = { identifier: 'hostile_user', email: randomEmail(), password: 'Hostile-passw0rd', device_name: 'laptop' };
    for (const field of ['identifier', 'email', 'device_name'] as const) {
      const r = await call('POST', '/v1/register', { body: { ...base, [field]: `${base[field]}\uD800` }, ip });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ message: `${field}: ${MESSAGE}` });
      const login = await call('POST', '/v1/login', { body: { ...base, [field]: `${base[field]}\u0000` }, ip });
      expect(login.status).toBe(400);
      expect(login.body).toEqual({ message: `${field}: ${MESSAGE}` });
    }
  });

  it('well-formed Unicode still passes (surrogate pairs, combining marks, RTL)', async () => {
    const name = 'Ada 😀 Lovelace é عربى';
    const r = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email: randomEmail(), password: 'Hostile-passw0rd', name },
      ip: randomIp(),
    });
    expect(r.status).toBe(200);
    expect(r.body.user.profile.name).toBe(name);
  });
});
