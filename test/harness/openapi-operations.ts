import { call } from './http.js';

/**
 * Every operation the apps document in their OpenAPI files, in a shape tests can walk: method,
 * path template, parameters, the request body's schema with a valid sample, and where each string
 * field of the body sits. Used to throw hostile input at everything (test/platform/hostile-strings)
 * and by fuzz tests. The documents are read from the running apps, so a new route is covered the
 * day it is documented.
 */

export type App = 'identity' | 'profiles';

/** Where each app serves its document, through the base URL. */
export const OPENAPI_DOCUMENTS: Record<App, string> = {
  identity: '/api/auth/openapi.json',
  profiles: '/api/auth/profiles/openapi.json',
};

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

interface OperationObject {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
}

export interface OperationParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
  /** a value the schema accepts */
  sample: string;
}

export interface ApiOperation {
  app: App;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** the path template, `/api/auth/profiles/{userId}` */
  path: string;
  /** the error body this operation answers with: InsForge's under /api/auth, Gorb's under /v1 */
  style: 'insforge' | 'gorb';
  params: OperationParam[];
  /** the request body's schema with every `$ref` resolved, if the operation takes a body */
  bodySchema?: Schema;
  /** a body the schema accepts: required fields plus every optional string field */
  sampleBody?: Record<string, unknown>;
  /** where every string field of the body sits (keys from the root), for planting values */
  bodyStringFields: string[][];
  /** the security scheme names the operation accepts (empty: public); `{}` alternatives are dropped */
  security: string[];
  /** documented statuses, as strings (`"200"`, `"401"`) */
  statuses: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Resolves `$ref`s (and single-entry allOf wrappers) against the document's components. */
export function resolveSchema(doc: OpenApiDocument, schema: Schema | undefined, seen = new Set<string>()): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return {};
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(doc, doc.components?.schemas?.[name], new Set([...seen, schema.$ref]));
  }
  if (schema.allOf?.length === 1) return { ...schema, ...resolveSchema(doc, schema.allOf[0], seen), allOf: undefined };
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolveSchema(doc, v, seen)]));
  }
  if (schema.items) out.items = resolveSchema(doc, schema.items, seen);
  return out;
}

/** Patterns our documents use, each with a value it accepts; an unknown pattern fails loudly. */
const PATTERN_SAMPLES: Record<string, string> = {
  '^\\d{6}$': '123456',
  '^[a-fA-F0-9]{64}$': 'ab'.repeat(32),
  '^[0-9a-f]{64}$': 'ab'.repeat(32),
  // a PKCE S256 challenge or verifier (43 to 128 characters)
  '^[A-Za-z0-9._~-]+$': 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
};

/** A string the schema accepts. */
export function sampleString(schema: Schema, name = ''): string {
  if (schema.enum?.length) return String(schema.enum[0]);
  if (typeof schema.example === 'string') return schema.example;
  if (typeof schema.default === 'string') return schema.default;
  if (schema.pattern) {
    const s = PATTERN_SAMPLES[schema.pattern];
    if (s === undefined)
      throw new Error(`openapi-operations: no sample for pattern ${schema.pattern} (${name}); add one to PATTERN_SAMPLES`);
    return s;
  }
  switch (schema.format) {
    case 'email':
      return 'sample@example.com';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'uri':
    case 'url':
      return 'https://example.com/sample';
    case 'date-time':
      return new Date(0).toISOString();
  }
  if (/password/i.test(name)) return 'Sample_P@ssw0rd_1';
  const base = name ? `sample-${name}`.replace(/[^a-z0-9-]/gi, '') : 'sample';
  const min = schema.minLength ?? 1;
  const s = base.length >= min ? base : base.padEnd(min, 'x');
  return schema.maxLength !== undefined ? s.slice(0, schema.maxLength) : s;
}

/** A value the schema accepts: objects get their required fields and every optional string field. */
export function sampleValue(schema: Schema, name = ''): unknown {
  if (schema.enum?.length) return schema.enum[0];
  if (schema.example !== undefined && schema.type !== 'object') return schema.example;
  switch (schema.type) {
    case 'string':
      return sampleString(schema, name);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.items ? [sampleValue(schema.items, name)] : [];
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, v] of Object.entries(schema.properties ?? {})) {
        if (required.has(k) || v.type === 'string' || v.type === 'object' || v.type === 'array') out[k] = sampleValue(v, k);
      }
      return out;
    }
  }
}

/**
 * Paths to every string field of a schema: named properties at any depth, array items (index 0),
 * and one made-up key where the object takes additional properties.
 */
export function stringFieldsOf(schema: Schema, at: string[] = []): string[][] {
  if (schema.type === 'string') return [at];
  if (schema.type === 'array' && schema.items) return stringFieldsOf(schema.items, [...at, '0']);
  if (schema.type === 'object' || schema.properties) {
    const named = Object.entries(schema.properties ?? {}).flatMap(([k, v]) => stringFieldsOf(v, [...at, k]));
    const extra = schema.additionalProperties ? [[...at, 'extra_field']] : [];
    return [...named, ...extra];
  }
  return [];
}

/** The operations of one document. */
export function operationsOf(doc: OpenApiDocument, app: App): ApiOperation[] {
  const out: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params: OperationParam[] = (op.parameters ?? []).map((p) => {
        const schema = resolveSchema(doc, p.schema);
        return { name: p.name, in: p.in as OperationParam['in'], required: !!p.required, schema, sample: sampleString(schema, p.name) };
      });
      const content = op.requestBody?.content?.['application/json'];
      const bodySchema = content ? resolveSchema(doc, content.schema) : undefined;
      out.push({
        app,
        method: m.toUpperCase() as ApiOperation['method'],
        path,
        style: path.startsWith('/v1/') ? 'gorb' : 'insforge',
        params,
        bodySchema,
        sampleBody: bodySchema ? (sampleValue(bodySchema) as Record<string, unknown>) : undefined,
        bodyStringFields: bodySchema ? stringFieldsOf(bodySchema) : [],
        security: [...new Set((op.security ?? []).flatMap((s) => Object.keys(s)))],
        statuses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return out;
}

/** Every documented operation of every app, read from the running stack. */
export async function loadOperations(): Promise<ApiOperation[]> {
  const all: ApiOperation[] = [];
  for (const [app, url] of Object.entries(OPENAPI_DOCUMENTS) as [App, string][]) {
    const res = await call<OpenApiDocument>('GET', url);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
    all.push(...operationsOf(res.body, app));
  }
  return all;
}

/** A concrete URL: path parameters filled in (encoded), query parameters appended. */
export function urlFor(op: ApiOperation, values: Record<string, string> = {}, rawQuery?: string): string {
  const valueOf = (p: OperationParam) => values[p.name] ?? p.sample;
  let path = op.path;
  for (const p of op.params.filter((x) => x.in === 'path')) path = path.replace(`{${p.name}}`, encodeURIComponent(valueOf(p)));
  const query = op.params
    .filter((p) => p.in === 'query' && (p.required || p.name in values))
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(valueOf(p))}`);
  if (rawQuery) query.push(rawQuery);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** A deep copy of `body` with `value` planted at `at` (objects created on the way). */
export function withValueAt(body: Record<string, unknown> | undefined, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  at.forEach((key, i) => {
    if (i === at.length - 1) node[key] = value;
    else {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(at[i + 1]!) ? [] : {};
      node = node[key] as Record<string, unknown>;
    }
  });
  return copy;
}

/** Does a reply body have the documented error shape of the operation's API? */
export function hasErrorShape(style: ApiOperation['style'], status: number, body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  if (style === 'gorb') return typeof b.message === 'string' && !('stack' in b);
  return typeof b.error === 'string' && typeof b.message === 'string' && b.statusCode === status && !('stack' in b);
}
