import { Ajv, type ValidateFunction } from 'ajv';
import * as fc from 'fast-check';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import {
  type ApiOperation,
  hasErrorShape,
  loadOperations,
  OPENAPI_DOCUMENTS,
  type OpenApiDocument,
  resolveSchema,
  type Schema,
  urlFor,
  withValueAt,
} from '../harness/openapi-operations.js';

/**
 * Property-based requests generated from the OpenAPI documents, for every documented operation:
 * valid, mutated and hostile bodies, queries and headers. Whatever is sent, the answer is a
 * documented status (or one any operation may give: 400 for a malformed request, 413, 414, 415,
 * 429, 431),
 * never a 5xx; a 2xx body validates against the documented response schema; an error has the
 * API's error shape; and a body the documented request schema rejects is never answered 2xx.
 * FUZZ_RUNS sets the runs per operation and kind (short in `npm test`, long in `npm run fuzz`).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
jest.setTimeout(Math.max(120_000, RUNS * 60_000));

/** Statuses any operation may give: malformed request, body or URL/headers too large, media type, rate limit. */
const ANY_OPERATION = new Set(['400', '413', '414', '415', '429', '431']);
const PASSWORD = 'Fuzz-e2e passw0rd';

/** OpenAPI 3.0 schema -> JSON Schema for ajv (`nullable` becomes a null type). */
function toJsonSchema(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  delete out.nullable;
  delete out.example;
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v)]));
  if (s.items) out.items = toJsonSchema(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = toJsonSchema(s.additionalProperties);
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) if (s[k]) out[k] = s[k]!.map(toJsonSchema);
  if (s.nullable) return { anyOf: [out, { type: 'null' }] };
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: Schema): ValidateFunction {
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(toJsonSchema(schema))));
  return v;
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

async function send(r: Sent) {
  const res = await fetch(`${BASE_URL}${r.url}`, {
    method: r.method,
    headers: r.headers,
    body: r.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, text, type: res.headers.get('content-type') ?? '' };
}

// ---- arbitraries -------------------------------------------------------------------------------

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }), // any code point, lone surrogates included
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '%00',
    '${jndi:ldap://x}',
    'A'.repeat(5000),
  ),
);
/** A value of the wrong kind for any field. */
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  hostileString,
);
const hostileHeaders = fc.record(
  {
    authorization: fc.oneof(
      hostileString,
      hostileString.map((s) => `Bearer ${s}`),
      fc.constant(`Bearer ${ANON_KEY}`),
      fc.constant('Basic YTpi'),
    ),
    'content-type': fc.constantFrom(
      'text/plain',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      '',
    ),
    cookie: hostileString.map((s) => `insforge_refresh_token=${pct(s)}`),
    'x-csrf-token': hostileString,
    'x-request-id': hostileString,
  },
  { requiredKeys: [] },
);

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a browser would send them). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const hostileQuery = fc.oneof(
  hostileString.map((q) => `q=${pct(q)}&client_type=${pct(q)}`),
  fc.constantFrom(
    '%',
    '%zz',
    'q=%ff%fe',
    'client_type=web&client_type=mobile',
    'a[b]=c',
    '__proto__[x]=1',
    'constructor[prototype][x]=1',
    'client_type[]=web',
  ),
);

/**
 * What an HTTP client can put in a header: bytes up to 0xff without control characters (fetch
 * refuses the rest before sending, so they would test the client, not the server).
 */
const headerSafe = (h: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(h).map(([k, v]) => [
      k,
      Array.from(v)
        .filter((c) => {
          const n = c.codePointAt(0)!;
          return n <= 0xff && n !== 0x7f && (n >= 0x20 || n === 0x09);
        })
        .join('')
        .trim(),
    ]),
  );

// ---- the properties ----------------------------------------------------------------------------

describe('fuzz: every documented operation, valid, mutated and hostile input', () => {
  let operations: ApiOperation[] = [];
  const docs: Partial<Record<ApiOperation['app'], OpenApiDocument>> = {};
  let token = '';
  let userId = '';

  beforeAll(async () => {
    operations = await loadOperations();
    for (const [app, url] of Object.entries(OPENAPI_DOCUMENTS) as [ApiOperation['app'], string][])
      docs[app] = (await call<OpenApiDocument>('GET', url)).body;
    const up = await call('POST', '/api/auth/users?client_type=mobile', {
      body: { email: randomEmail('fuzz'), password: PASSWORD },
      headers: { authorization: `Bearer ${ANON_KEY}` },
      ip: randomIp(),
    });
    if (up.status !== 200) throw new Error(`sign-up for the fuzz account failed: ${up.status} ${up.text}`);
    token = up.body.accessToken;
    userId = up.body.user.id;
  });

  it('finds the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  /** The checks every answer must pass; returns the failure, if any, for fast-check to shrink. */
  function check(op: ApiOperation, sent: Sent, res: Awaited<ReturnType<typeof send>>, badInput: boolean): string | undefined {
    const where = `${sent.method} ${sent.url} -> ${res.status} ${res.text.slice(0, 300)}`;
    if (res.status >= 500) return `5xx: ${where}`;
    if (!op.statuses.includes(String(res.status)) && !ANY_OPERATION.has(String(res.status))) return `undocumented status: ${where}`;
    if (badInput && res.status < 300) return `input the documented schema rejects was accepted: ${where} body=${sent.body?.slice(0, 300)}`;
    if (res.status >= 400 && !hasErrorShape(op.style, res.status, res.body)) return `error not in the ${op.style} shape: ${where}`;
    if (res.status >= 200 && res.status < 300 && res.type.includes('json')) {
      const schema = responseSchema(op, res.status);
      if (schema) {
        const v = validator(`${op.app} ${op.method} ${op.path} ${res.status}`, schema);
        if (!v(res.body)) return `response does not match its schema: ${where} ${ajv.errorsText(v.errors)}`;
      }
    }
    return undefined;
  }

  function responseSchema(op: ApiOperation, status: number): Schema | undefined {
    const doc = docs[op.app]!;
    const raw = (doc.paths[op.path] as Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>)[
      op.method.toLowerCase()
    ];
    const s = raw?.responses?.[String(status)]?.content?.['application/json']?.schema;
    return s ? resolveSchema(doc, s) : undefined;
  }

  function baseHeaders(op: ApiOperation): Record<string, string> {
    const h: Record<string, string> = { 'x-forwarded-for': randomIp() };
    if (op.security.length) h.authorization = `Bearer ${op.path.startsWith('/api/auth/users') ? ANON_KEY : token}`;
    return h;
  }

  function pathValues(op: ApiOperation): Record<string, string> {
    return Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, p.name === 'userId' ? userId : p.sample]));
  }

  async function run(op: ApiOperation, build: fc.Arbitrary<{ sent: Sent; badInput: boolean }>) {
    await fc.assert(
      fc.asyncProperty(build, async ({ sent, badInput }) => {
        const failure = check(op, sent, await send(sent), badInput);
        if (failure) throw new Error(failure);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }

  const uniqueEmail = fc.constant(null).map(() => randomEmail('fuzz'));

  it('valid requests: documented statuses, responses valid against their schemas, never a 5xx', async () => {
    for (const op of operations) {
      const build = fc.record({ email: uniqueEmail, name: fc.string({ minLength: 1, maxLength: 20 }) }).map(({ email, name }) => {
        let body = op.sampleBody;
        if (body && 'email' in body) body = { ...body, email };
        if (body && 'name' in body) body = { ...body, name };
        if (body && 'password' in body) body = { ...body, password: PASSWORD };
        const sent: Sent = {
          url: urlFor(op, pathValues(op)),
          method: op.method,
          headers: { ...baseHeaders(op), ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        };
        return { sent, badInput: false };
      });
      await run(op, build);
    }
  });

  it('mutated bodies: a body the documented schema rejects is never 2xx, never a 5xx', async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const fields = Object.keys(op.bodySchema!.properties ?? {}).map((k) => [k]);
      const targets = [...fields, ...op.bodyStringFields];
      const mutation = fc.oneof(
        fc.record({ kind: fc.constant('field' as const), at: fc.constantFrom(...(targets.length ? targets : [['x']])), value: wrongValue }),
        fc.record({
          kind: fc.constant('drop' as const),
          at: fc.constantFrom(...(op.bodySchema!.required?.length ? op.bodySchema!.required : ['none'])),
          value: fc.constant(null),
        }),
        fc.record({ kind: fc.constant('whole' as const), at: fc.constant([]), value: fc.oneof(wrongValue, fc.jsonValue()) }),
      );
      const build = mutation.map(({ kind, at, value }) => {
        let body: unknown;
        if (kind === 'field') body = withValueAt(op.sampleBody, at as string[], value);
        else if (kind === 'drop') {
          const copy = { ...(op.sampleBody ?? {}) };
          delete copy[at as string];
          body = copy;
        } else body = value;
        // Judge what is sent: JSON turns NaN and Infinity into null (and drops undefined).
        const wire: unknown = JSON.parse(JSON.stringify(body) ?? 'null');
        // The platform's convention (class-validator's @IsOptional): null in an optional field means absent.
        const required = new Set(op.bodySchema!.required ?? []);
        const judged =
          wire && typeof wire === 'object' && !Array.isArray(wire)
            ? Object.fromEntries(Object.entries(wire).filter(([k, v]) => v !== null || required.has(k)))
            : wire;
        const badInput = !validator(`${op.app} ${op.method} ${op.path} request`, op.bodySchema!)(judged);
        const sent: Sent = {
          url: urlFor(op, pathValues(op)),
          method: op.method,
          headers: { ...baseHeaders(op), 'content-type': 'application/json' },
          body: JSON.stringify(body) ?? 'null',
        };
        return { sent, badInput };
      });
      await run(op, build);
    }
  });

  it('hostile queries, headers and raw bodies: documented statuses and error shapes, never a 5xx', async () => {
    for (const op of operations) {
      const build = fc
        .record({
          headers: hostileHeaders,
          query: fc.option(hostileQuery, { nil: undefined }),
          param: fc.option(hostileString, { nil: undefined }),
          raw: fc.option(
            fc.oneof(
              hostileString,
              fc.constantFrom('{', '{"a":', '[]', 'null', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
            ),
            { nil: undefined },
          ),
        })
        .map(({ headers, query, param, raw }) => {
          const values = pathValues(op);
          const paramNames = op.params.filter((p) => p.in === 'path' || p.in === 'query').map((p) => p.name);
          const first = op.params.find((p) => p.name === paramNames[0]);
          // An empty path value, or one with a '.' or '..' segment, names another resource: the
          // client resolves a bare dot segment, and the edge resolves one behind an encoded '/' (as
          // nginx does) before it routes. Such paths are the attack suite's (hostile-input), not this operation's.
          const renames =
            first?.in === 'path' &&
            param !== undefined &&
            (param === '' ||
              wellFormed(param)
                .split('/')
                .some((seg) => seg === '.' || seg === '..'));
          if (param !== undefined && first && !renames) values[first.name] = wellFormed(param);
          const body = raw ?? (op.sampleBody ? JSON.stringify(op.sampleBody) : undefined);
          const sent: Sent = {
            url: urlFor(op, values, query),
            method: op.method,
            headers: headerSafe({ ...baseHeaders(op), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
            body: op.method === 'GET' ? undefined : body,
          };
          return { sent, badInput: false };
        });
      await run(op, build);
    }
  });
});
