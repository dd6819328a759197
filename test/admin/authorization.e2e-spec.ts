import { randomUUID } from 'node:crypto';
import { ANON_KEY } from '../harness/env.js';
import { call, randomIp, type Reply } from '../harness/http.js';
import { bearer, INVALID_TOKEN, signUp } from '../identity/helpers.js';
import { ADMIN_REQUIRED, adminLogout, adminSignIn, apiKeyHeaders, INVALID_API_KEY, NO_ADMIN_TOKEN, restoreAnonKey } from './helpers.js';

type Operation = { method: string; path: string; parameters?: { in: string; name: string; schema?: Record<string, unknown> }[] };
type Doc = { paths: Record<string, Record<string, Operation & { security?: Record<string, unknown>[] }>> };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Every admin route, found in identity's OpenAPI document by its security (the `apiKey` scheme with
 * no anonymous alternative; admin-routes.spec.ts checks that this matches AdminGuard exactly), so
 * a route added later is walked without touching this file. Each is called with each kind of
 * credential. Mutating routes get an empty JSON object: routes that need fields answer 400 (after
 * the guard let the caller through); the key rotations rotate (the stack's keys stay valid in their
 * grace period, and the anon key is put back afterwards).
 */
async function adminOperations(): Promise<{ method: string; path: string; url: string }[]> {
  const doc = (await call<Doc>('GET', '/api/auth/openapi.json')).body;
  const out: { method: string; path: string; url: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      const security = op?.security ?? [];
      if (!op || !security.some((s) => 'apiKey' in s) || security.some((s) => Object.keys(s).length === 0)) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const schema = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema ?? {};
        if (Array.isArray(schema.enum)) return String(schema.enum[0]);
        return schema.format === 'uuid' || /id$/i.test(name) ? randomUUID() : 'sample';
      });
      out.push({ method: method.toUpperCase(), path, url });
    }
  }
  return out;
}

const send = (op: { method: string; url: string }, headers: Record<string, string> = {}): Promise<Reply> =>
  call(op.method, op.url, { headers, ip: randomIp(), ...(op.method === 'GET' ? {} : { body: {} }) });

describe('authorization on every admin route', () => {
  let ops: { method: string; path: string; url: string }[];
  let userToken: string;
  let adminToken: string;

  afterAll(restoreAnonKey);

  beforeAll(async () => {
    ops = await adminOperations();
    userToken = (await signUp()).accessToken;
    adminToken = (await adminSignIn()).accessToken;
  });

  it('finds the admin routes in the document', () => {
    const found = ops.map((o) => `${o.method} ${o.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /api/auth/tokens/anon',
        'GET /api/metadata/anon-key',
        'GET /api/metadata/api-key',
        'GET /api/metadata/auth',
        'POST /api/secrets/api-key/rotate',
        'POST /api/secrets/anon-key/rotate',
      ]),
    );
  });

  const each = async (check: (op: { method: string; path: string; url: string }) => Promise<unknown>) => {
    const results: unknown[] = [];
    for (const op of ops) results.push(await check(op));
    return results;
  };
  const label = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

  it('no credential: 401 "No admin token provided"', async () => {
    const got = await each(async (op) => [label(op), (await send(op)).body]);
    expect(got).toEqual(ops.map((op) => [label(op), NO_ADMIN_TOKEN]));
  });

  it('a user access token: 403 "Admin access required"', async () => {
    const got = await each(async (op) => [label(op), (await send(op, bearer(userToken))).body]);
    expect(got).toEqual(ops.map((op) => [label(op), ADMIN_REQUIRED]));
  });

  it('the anon key, or a garbage token: 401 "Invalid token"', async () => {
    const got = await each(async (op) => [label(op), (await send(op, bearer(ANON_KEY))).body, (await send(op, bearer('x.y.z'))).body]);
    expect(got).toEqual(ops.map((op) => [label(op), INVALID_TOKEN, INVALID_TOKEN]));
  });

  it('a wrong API key, as Bearer or x-api-key: 401 AUTH_INVALID_API_KEY', async () => {
    const wrong = 'ik_' + 'd'.repeat(64);
    const got = await each(async (op) => [
      label(op),
      (await send(op, apiKeyHeaders(wrong))).body,
      (await send(op, { 'x-api-key': wrong })).body,
    ]);
    expect(got).toEqual(ops.map((op) => [label(op), INVALID_API_KEY, INVALID_API_KEY]));
  });

  it.each([
    ['the current API key as Bearer', (key: string) => apiKeyHeaders(key)],
    ['the current API key as x-api-key', (key: string) => ({ 'x-api-key': key })],
  ])('%s: the route answers (no 401, 403 or 5xx)', async (_, headers) => {
    // The current key: one in its grace period (the stack's own is stored like one) may do
    // everything but rotate the API key. The walk's own rotation hands over to the new key.
    let key = (await call('POST', '/api/secrets/api-key/rotate', { body: { gracePeriodHours: 1 }, headers: bearer(adminToken) })).body
      .apiKey as string;
    const got = await each(async (op) => {
      const r = await send(op, headers(key));
      if (op.path === '/api/secrets/api-key/rotate' && r.status === 200) key = (r.body as { apiKey: string }).apiKey;
      return [label(op), r.status === 401 || r.status === 403 || r.status >= 500 ? `${r.status} ${r.text}` : 'answered'];
    });
    expect(got).toEqual(ops.map((op) => [label(op), 'answered']));
  });

  it('an admin access token: the route answers; once the admin logs out, 401', async () => {
    const got = await each(async (op) => {
      const r = await send(op, bearer(adminToken));
      return [label(op), r.status === 401 || r.status === 403 || r.status >= 500 ? `${r.status} ${r.text}` : 'answered'];
    });
    expect(got).toEqual(ops.map((op) => [label(op), 'answered']));
    const s = await adminSignIn();
    await adminLogout(s.cookie, s.csrfToken);
    const after = await each(async (op) => [label(op), (await send(op, bearer(s.accessToken))).body]);
    expect(after).toEqual(ops.map((op) => [label(op), INVALID_TOKEN]));
  });

  it('GET routes give their real result to an API key and to an admin token alike', async () => {
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      const [a, b] = [await send(op, apiKeyHeaders()), await send(op, bearer(adminToken))];
      expect([label(op), a.status]).toEqual([label(op), 200]);
      expect([label(op), b.status, b.body]).toEqual([label(op), 200, a.body]);
    }
  });
});
