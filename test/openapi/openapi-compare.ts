/**
 * Compares one operation of our OpenAPI document with the same operation of a reference document
 * (InsForge's), from the point of view of a client written against the reference:
 * - every request property it may send exists in ours with the same type, and we require nothing
 *   it may leave out;
 * - every response property it may read exists in ours with the same type, and is not null where
 *   the reference says it never is;
 * - every status, parameter and credential it knows of is documented by ours.
 * Each finding is one line, `METHOD PATH: what`, so deliberate differences can be listed exactly.
 */

export type Schema = Record<string, any>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface OperationFindings {
  documented: boolean;
  request: string[];
  responses: string[];
  statuses: string[];
  parameters: string[];
  security: string[];
}

type Direction = 'request' | 'response';
const MAX_DEPTH = 12;

/** Follows local `$ref`s (`#/components/...`) until a schema without one. */
export function deref(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let hops = 0; typeof s.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${s.$ref}`);
    if (!s.$ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${s.$ref}`);
    const target = s.$ref
      .slice(2)
      .split('/')
      .reduce<any>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    // OpenAPI 3.0 ignores siblings of $ref, but Nest writes `nullable` next to one: keep them.
    const { $ref: _ref, ...siblings } = s;
    s = { ...target, ...siblings };
  }
  return s;
}

/** A schema with its `$ref` followed and its `allOf` merged into one object schema. */
export function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  const s = deref(doc, schema);
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  const parts = [rest, ...(allOf as Schema[]).map((p) => resolve(doc, p))];
  const merged: Schema = Object.assign({}, ...parts);
  const properties = Object.assign({}, ...parts.map((p) => p.properties ?? {}));
  const required = [...new Set(parts.flatMap((p) => (p.required as string[] | undefined) ?? []))];
  if (Object.keys(properties).length) merged.properties = properties;
  if (required.length) merged.required = required;
  if (parts.some((p) => p.nullable === true)) merged.nullable = true;
  return merged;
}

/** The alternatives a schema allows (`oneOf`/`anyOf`), each resolved; a plain schema is its own only one. */
export function variantsOf(doc: OpenApiDoc, schema: Schema | undefined): Schema[] {
  const s = resolve(doc, schema);
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (!Array.isArray(alternatives)) return [s];
  const { oneOf: _o, anyOf: _a, ...common } = s;
  return alternatives.flatMap((v) => variantsOf(doc, { ...common, ...resolve(doc, v) }));
}

/** The JSON type a schema names (inferred from `properties`, `items` or `enum` when unstated) and whether null is allowed. */
export function jsonType(s: Schema): { type?: string; nullable: boolean } {
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    return { type: types.length === 1 ? types[0] : types.sort().join('|'), nullable: (s.type as string[]).includes('null') };
  }
  let type = s.type as string | undefined;
  if (!type && s.properties) type = 'object';
  if (!type && s.items) type = 'array';
  if (!type && Array.isArray(s.enum) && s.enum.length) {
    const kinds = new Set((s.enum as unknown[]).filter((v) => v !== null).map((v) => typeof v));
    if (kinds.size === 1) type = [...kinds][0];
  }
  return { type, nullable: s.nullable === true || (Array.isArray(s.enum) && s.enum.includes(null)) };
}

const typesAgree = (ref: string, ours: string, dir: Direction) =>
  ref === ours ||
  // An integer is a number: we may send integers where numbers are expected, and accept numbers where integers are.
  (dir === 'response' && ref === 'number' && ours === 'integer') ||
  (dir === 'request' && ref === 'integer' && ours === 'number');

const show = (v: unknown) => JSON.stringify(v);

/**
 * Whether `ours` serves a client written against `ref`. For a request, `ref` is what the client
 * sends and `ours` what we accept; for a response, `ours` is what we send and `ref` what the client
 * expects. Pushes one finding per difference, prefixed by `at`.
 */
export function compareSchemas(
  refDoc: OpenApiDoc,
  ref: Schema | undefined,
  ourDoc: OpenApiDoc,
  ours: Schema | undefined,
  dir: Direction,
  at: string,
  out: string[],
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  const refVariants = variantsOf(refDoc, ref);
  const ourVariants = variantsOf(ourDoc, ours);
  if (refVariants.length > 1 || ourVariants.length > 1) {
    const findings = (r: Schema, o: Schema) => {
      const found: string[] = [];
      compareSchemas(refDoc, r, ourDoc, o, dir, at, found, depth + 1);
      return found;
    };
    // Requests: every shape a client may send must be accepted by one of ours.
    // Responses: every shape we may send must be one the client expects.
    const [must, may] = dir === 'request' ? [refVariants, ourVariants] : [ourVariants, refVariants];
    for (const m of must) {
      const tries = may.map((v) => (dir === 'request' ? findings(m, v) : findings(v, m)));
      const best = tries.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...best);
    }
    return;
  }
  const [r, o] = [refVariants[0]!, ourVariants[0]!];
  const rt = jsonType(r);
  const ot = jsonType(o);
  if (rt.type && !ot.type) out.push(`${at}: type ${rt.type} in the reference, none in ours`);
  else if (rt.type && ot.type && !typesAgree(rt.type, ot.type, dir))
    out.push(`${at}: type ${rt.type} in the reference, ${ot.type} in ours`);
  if (dir === 'response' && ot.nullable && !rt.nullable) out.push(`${at}: nullable in ours, never null in the reference`);
  if (dir === 'request' && rt.nullable && !ot.nullable) out.push(`${at}: nullable in the reference, not accepted as null by ours`);
  if (r.format && r.format !== o.format) out.push(`${at}: format ${r.format} in the reference, ${o.format ?? 'none'} in ours`);
  if (Array.isArray(r.enum)) {
    const refValues = (r.enum as unknown[]).filter((v) => v !== null);
    const ourValues = Array.isArray(o.enum) ? (o.enum as unknown[]).filter((v) => v !== null) : undefined;
    if (dir === 'request' && ourValues) {
      const refused = refValues.filter((v) => !ourValues.includes(v));
      if (refused.length) out.push(`${at}: ours does not accept ${show(refused)}`);
    }
    if (dir === 'response') {
      if (!ourValues) out.push(`${at}: the reference allows only ${show(refValues)}, ours any value`);
      else {
        const unknown = ourValues.filter((v) => !refValues.includes(v));
        if (unknown.length) out.push(`${at}: ours may send ${show(unknown)}, unknown to the reference`);
      }
    }
  }
  const rp = (r.properties ?? {}) as Record<string, Schema>;
  const op = (o.properties ?? {}) as Record<string, Schema>;
  const rRequired = new Set<string>(r.required ?? []);
  const oRequired = new Set<string>(o.required ?? []);
  for (const [name, refProp] of Object.entries(rp)) {
    const path = `${at}.${name}`;
    if (!(name in op)) {
      out.push(`${path}: missing in ours`);
      continue;
    }
    // A response property the client relies on must always be there.
    if (dir === 'response' && rRequired.has(name) && !oRequired.has(name)) out.push(`${path}: required in the reference, optional in ours`);
    compareSchemas(refDoc, refProp, ourDoc, op[name], dir, path, out, depth + 1);
  }
  // A request property the client may leave out must not be required by us.
  if (dir === 'request') {
    for (const name of oRequired) if (!rRequired.has(name)) out.push(`${at}.${name}: required by ours, optional in the reference`);
    for (const name of rRequired)
      if (!oRequired.has(name) && name in op) out.push(`${at}.${name}: required in the reference, optional in ours`);
  }
  if (r.items) compareSchemas(refDoc, r.items as Schema, ourDoc, o.items as Schema | undefined, dir, `${at}[]`, out, depth + 1);
}

/**
 * Request bodies whose reference is a `oneOf`: a property required in every alternative must be
 * required by ours; one required in only some alternatives (`password` or `otp`) must exist in
 * ours, which may document it as conditional.
 */
function compareRequestBody(refDoc: OpenApiDoc, ref: Schema, ourDoc: OpenApiDoc, ours: Schema, at: string, out: string[]): void {
  const refVariants = variantsOf(refDoc, ref);
  const ourVariants = variantsOf(ourDoc, ours);
  if (refVariants.length === 1 && ourVariants.length === 1) return compareSchemas(refDoc, ref, ourDoc, ours, 'request', at, out);
  const requiredIn = (vs: Schema[]) => vs.map((v) => new Set<string>(v.required ?? []));
  const everywhere = (sets: Set<string>[]) => new Set([...sets[0]!].filter((n) => sets.every((s) => s.has(n))));
  const refAlways = everywhere(requiredIn(refVariants));
  const ourAlways = everywhere(requiredIn(ourVariants));
  const ourProps = Object.assign({}, ...ourVariants.map((v) => v.properties ?? {})) as Record<string, Schema>;
  const refNames = new Set(refVariants.flatMap((v) => Object.keys(v.properties ?? {})));
  for (const name of refNames) {
    const path = `${at}.${name}`;
    if (!(name in ourProps)) {
      out.push(`${path}: missing in ours`);
      continue;
    }
    if (refAlways.has(name) && !ourAlways.has(name)) out.push(`${path}: required in the reference, optional in ours`);
    const found = new Set<string>();
    for (const v of refVariants) {
      if (!v.properties?.[name]) continue;
      const f: string[] = [];
      compareSchemas(refDoc, v.properties[name] as Schema, ourDoc, ourProps[name], 'request', path, f);
      f.forEach((x) => found.add(x));
    }
    out.push(...found);
  }
  for (const name of ourAlways) if (!refAlways.has(name)) out.push(`${at}.${name}: required by ours, optional in the reference`);
}

const jsonSchemaOf = (part: any): Schema | undefined => part?.content?.['application/json']?.schema;

/** Everything a client of the reference could trip over in our version of one operation. */
export function compareOperation(refDoc: OpenApiDoc, ourDoc: OpenApiDoc, method: string, path: string): OperationFindings {
  const m = method.toLowerCase();
  const label = `${method.toUpperCase()} ${path}`;
  const ref = refDoc.paths[path]?.[m];
  if (!ref) throw new Error(`${label} is not in the reference document`);
  const ours = ourDoc.paths[path]?.[m];
  const findings: OperationFindings = { documented: !!ours, request: [], responses: [], statuses: [], parameters: [], security: [] };
  if (!ours) return findings;

  // (b) the request body
  const refBody = ref.requestBody ? deref(refDoc, ref.requestBody) : undefined;
  const ourBody = ours.requestBody ? deref(ourDoc, ours.requestBody) : undefined;
  if (refBody) {
    const refSchema = jsonSchemaOf(refBody);
    const ourSchema = jsonSchemaOf(ourBody);
    if (!ourBody) findings.request.push(`${label}: no request body in ours`);
    else if (refSchema && !ourSchema) findings.request.push(`${label}: no application/json request body in ours`);
    else {
      if (ourBody.required === true && refBody.required !== true)
        findings.request.push(`${label}: request body required by ours, optional in the reference`);
      if (refSchema && ourSchema) compareRequestBody(refDoc, refSchema, ourDoc, ourSchema, `${label} request`, findings.request);
    }
  }

  // (c) response bodies, and (d) statuses
  const ourResponses = (ours.responses ?? {}) as Record<string, any>;
  for (const [status, refResponse] of Object.entries((ref.responses ?? {}) as Record<string, any>)) {
    if (status === 'default') continue;
    if (!(status in ourResponses)) {
      findings.statuses.push(`${label}: status ${status} not documented in ours`);
      continue;
    }
    const refSchema = jsonSchemaOf(deref(refDoc, refResponse));
    if (!refSchema) continue;
    const ourSchema = jsonSchemaOf(deref(ourDoc, ourResponses[status]));
    if (!ourSchema) findings.responses.push(`${label} ${status}: no application/json body in ours`);
    else compareSchemas(refDoc, refSchema, ourDoc, ourSchema, 'response', `${label} ${status}`, findings.responses);
  }

  // (e) parameters: header names are case-insensitive
  const key = (p: any) => `${p.in}:${p.in === 'header' ? String(p.name).toLowerCase() : p.name}`;
  const ourParams = new Map<string, any>(((ours.parameters ?? []) as any[]).map((p) => deref(ourDoc, p)).map((p) => [key(p), p]));
  const refParams = ((ref.parameters ?? []) as any[]).map((p) => deref(refDoc, p));
  for (const p of refParams) {
    const at = `${label} ${p.in} parameter ${p.name}`;
    const mine = ourParams.get(key(p));
    if (!mine) {
      findings.parameters.push(`${at}: missing in ours`);
      continue;
    }
    if (p.required === true && mine.required !== true) findings.parameters.push(`${at}: required in the reference, optional in ours`);
    if (mine.required === true && p.required !== true) findings.parameters.push(`${at}: required by ours, optional in the reference`);
    compareSchemas(refDoc, p.schema, ourDoc, mine.schema, 'request', at, findings.parameters);
  }
  const refKeys = new Set(refParams.map(key));
  for (const [k, p] of ourParams) {
    if (p.required === true && !refKeys.has(k))
      findings.parameters.push(`${label} ${p.in} parameter ${p.name}: required by ours, unknown to the reference`);
  }

  // (f) credentials: required where the reference requires one, and not demanded where it does not
  const demands = (security: unknown) =>
    Array.isArray(security) && security.length > 0 && !security.some((r) => Object.keys(r).length === 0);
  if (demands(ref.security) && !demands(ours.security))
    findings.security.push(`${label}: the reference requires a credential, ours does not`);
  if (!demands(ref.security) && demands(ours.security))
    findings.security.push(`${label}: ours requires a credential, the reference does not`);
  return findings;
}
