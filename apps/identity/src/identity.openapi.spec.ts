import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, loadConfig } from '@app/core';
import { IdentityConfig } from './core/config/identity.config.js';
import { IdentityModule } from './identity.module.js';
import { IDENTITY_OPENAPI } from './identity.openapi.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every `$ref` anywhere in the document. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('buildOpenApiDocument', () => {
  let doc: OpenAPIObject;

  beforeAll(async () => {
    // Preview mode resolves the module graph without creating providers: no database, no Redis.
    const config = loadConfig(IdentityConfig, 'identity', { NODE_ENV: 'test' });
    const app = await NestFactory.create(IdentityModule.register(config), new FastifyAdapter(), { preview: true, logger: false });
    doc = buildOpenApiDocument(app, IDENTITY_OPENAPI);
    await app.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })));

  it('describes only what the gateway routes to identity (no health or metrics)', () => {
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/auth/users', '/api/auth/email/verify', '/v1/login', '/.well-known/jwks.json']));
    expect(paths.filter((p) => !/^\/(api\/|v1\/|\.well-known\/)/.test(p))).toEqual([]);
  });

  it('resolves every $ref', () => {
    const schemas = doc.components?.schemas ?? {};
    const dangling = refsIn(doc).filter((r) => !schemas[r.replace('#/components/schemas/', '')]);
    expect(dangling).toEqual([]);
  });

  it('gives every operation a summary, a tag and a success response', () => {
    const incomplete = operations()
      .filter(({ op }) => !op.summary || !op.tags?.length || !Object.keys(op.responses).some((s) => /^[23]\d\d$/.test(s)))
      .map(({ method, path }) => `${method} ${path}`);
    expect(incomplete).toEqual([]);
  });

  it('documents each API’s own error body', () => {
    const wrong = operations().flatMap(({ method, path, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .filter(([, r]) => {
          const ref = (r as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.['application/json']?.schema?.$ref;
          return path.startsWith('/v1/') ? !/Gorb.*Dto$/.test(ref ?? '') : ref !== '#/components/schemas/ErrorResponseDto';
        })
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it('declares the security schemes the operations use', () => {
    const declared = Object.keys(doc.components?.securitySchemes ?? {});
    const used = new Set(operations().flatMap(({ op }) => (op.security ?? []).flatMap((s) => Object.keys(s))));
    expect(declared).toEqual(expect.arrayContaining([...used]));
  });
});
