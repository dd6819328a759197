import { applyDecorators, type INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiResponse, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponseDto } from '@app/contracts';

/** The security scheme name of an access token sent as `Authorization: Bearer` (InsForge's document names it so too). */
export const BEARER_AUTH = 'bearerAuth';

/** Error statuses of an `/api/auth` operation, each with InsForge's error body. */
export const ApiInsforgeErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorResponseDto })),
  );

/** What an app's OpenAPI document says about itself and where it is served. */
export interface OpenApiDocumentOptions {
  /** Where the app serves the document, as clients reach it through the gateway (`/api/auth/openapi.json`). */
  path: string;
  title: string;
  description: string;
  version: string;
  /** The path prefixes the gateway and the Ingress route to this app: health and metrics stay on the app's own port. */
  publicPrefixes: readonly string[];
  /** Adds the app's security schemes (or anything else) to the document's builder. */
  configure?: (builder: DocumentBuilder) => DocumentBuilder;
}

/** An app's OpenAPI document, generated from its controllers' and DTOs' decorators; public paths only. */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiDocumentOptions): OpenAPIObject {
  const builder = new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion(options.version);
  const config = (options.configure?.(builder) ?? builder).build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => options.publicPrefixes.some((p) => path.startsWith(p))),
  );
  return document;
}

/**
 * Serves the document as JSON at `options.path`, built once at boot. A plain Fastify route rather
 * than a controller: it needs no access token (the guard never sees it), and the Swagger UI of
 * SwaggerModule.setup would need @fastify/static. A static path such as
 * `/api/auth/profiles/openapi.json` wins over a parametric route (`/api/auth/profiles/:userId`) in
 * Fastify's router, whatever the order of registration.
 */
export function serveOpenApi(app: NestFastifyApplication, options: OpenApiDocumentOptions): void {
  const body = JSON.stringify(buildOpenApiDocument(app, options));
  app
    .getHttpAdapter()
    .getInstance()
    .get(options.path, (_req, reply) => {
      void reply.header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(body);
    });
}
