import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiErrorFilter, buildOpenApiDocument, loadConfig, serveOpenApi } from '@app/core';
import { ProfilesConfig } from '../profiles.config.js';
import { ProfilesModule } from '../profiles.module.js';
import { ProfilesController } from '../profiles/profiles.controller.js';
import { userNotFound } from '../profiles/profiles.errors.js';
import { ProfilesService } from '../profiles/profiles.service.js';
import { OPENAPI_PATH, PROFILES_OPENAPI } from './openapi.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ADA = '6f1c2a8e-0a3b-4c5d-8e9f-0123456789ab';

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

describe('profiles’ OpenAPI document', () => {
  let doc: OpenAPIObject;

  beforeAll(async () => {
    // Preview mode resolves the module graph without creating providers: no database, no Redis.
    const config = loadConfig(ProfilesConfig, 'profiles', {});
    const app = await NestFactory.create(ProfilesModule.register(config), new FastifyAdapter(), { preview: true, logger: false });
    doc = buildOpenApiDocument(app, PROFILES_OPENAPI);
    await app.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })));
  const op = (method: (typeof METHODS)[number], path: string) => doc.paths[path]?.[method];

  it('describes exactly the two profile operations (no health or metrics)', () => {
    expect(operations().map(({ method, path }) => `${method} ${path}`)).toEqual([
      'get /api/auth/profiles/{userId}',
      'patch /api/auth/profiles/current',
    ]);
  });

  it('resolves every $ref', () => {
    const schemas = doc.components?.schemas ?? {};
    expect(refsIn(doc).filter((r) => !schemas[r.replace('#/components/schemas/', '')])).toEqual([]);
  });

  it('gives every operation a summary, a tag and a success response, and every error InsForge’s body', () => {
    for (const { op: o } of operations()) {
      expect(o.summary).toBeTruthy();
      expect(o.tags).toEqual(['profiles']);
      for (const [status, r] of Object.entries(o.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const schema = (r as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.['application/json']?.schema;
        expect(schema?.$ref).toBe('#/components/schemas/ErrorResponseDto');
      }
    }
  });

  it('documents the read as public, with its validators on 200 and 304', () => {
    const get = op('get', '/api/auth/profiles/{userId}')!;
    expect(get.security).toBeUndefined();
    expect(Object.keys(get.responses).sort()).toEqual(['200', '304', '400', '404']);
    for (const status of ['200', '304']) {
      expect(Object.keys((get.responses[status] as { headers?: object }).headers ?? {})).toEqual(['ETag', 'Cache-Control']);
    }
    expect(get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'userId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }),
        expect.objectContaining({ name: 'If-None-Match', in: 'header', required: false }),
      ]),
    );
  });

  it('documents the update with a Bearer token, a `{profile}` body and the response shape', () => {
    const patch = op('patch', '/api/auth/profiles/current')!;
    expect(patch.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['bearerAuth']);
    expect(Object.keys(patch.responses).sort()).toEqual(['200', '400', '401']);
    const body = doc.components!.schemas!.UpdateProfileRequestDto as { required: string[]; properties: Record<string, any> };
    expect(body.required).toEqual(['profile']);
    // Our extension: a key set to null is removed, so the well-known keys accept null.
    expect(body.properties.profile.properties.name.nullable).toBe(true);
    expect(doc.components!.schemas!.ProfileResponseDto).toMatchObject({ required: ['id', 'profile'] });
  });
});

describe('GET /api/auth/profiles/openapi.json', () => {
  const profiles = {
    get: jest.fn(async (id: string) => {
      if (id !== ADA) throw userNotFound();
      return { userId: ADA, profile: { name: 'Ada' }, version: 2 };
    }),
  };

  @Module({ controllers: [ProfilesController], providers: [{ provide: ProfilesService, useValue: profiles }] })
  class RoutesOnly {}

  let app: NestFastifyApplication;

  beforeAll(async () => {
    // The controller's routes in Fastify's router, without the database, Redis or the token guard.
    app = await NestFactory.create<NestFastifyApplication>(RoutesOnly, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ApiErrorFilter());
    serveOpenApi(app, PROFILES_OPENAPI);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('serves the document: the static route beats GET /api/auth/profiles/:userId', async () => {
    const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(buildOpenApiDocument(app, PROFILES_OPENAPI));
    expect(profiles.get).not.toHaveBeenCalled();
  });

  it('leaves GET /api/auth/profiles/:userId to the controller', async () => {
    const ok = await app.inject({ method: 'GET', url: `/api/auth/profiles/${ADA}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: ADA, profile: { name: 'Ada' } });
    expect(ok.headers.etag).toBe('W/"2"');

    const bad = await app.inject({ method: 'GET', url: '/api/auth/profiles/openapi.yaml' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'INVALID_INPUT', message: 'Invalid user ID format', statusCode: 400 });
  });
});
