import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { REFRESH_COOKIE } from '../auth/refresh-cookie.js';
import { BEARER_AUTH, GORB_TOKEN_AUTH, REFRESH_COOKIE_AUTH } from './openapi.decorators.js';

export const OPENAPI_PATH = '/api/auth/openapi.json';

/** What the gateway and the Ingress route to identity; health and metrics stay on the app's own port. */
const PUBLIC_PREFIXES = ['/api/', '/v1/', '/.well-known/'];

/** identity's OpenAPI document, generated from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Auth platform: identity')
    .setDescription(
      'The InsForge authentication API under /api/auth (sign-up, sessions, refresh, email codes and links, public config) ' +
        'and the Gorb login API under /v1. Errors under /api/auth have the body `{error, message, statusCode, nextActions?}`, ' +
        'under /v1 `{message}`. Profiles (/api/auth/profiles) are served by the profiles app and are not described here.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token (ES256 JWT)' }, BEARER_AUTH)
    .addCookieAuth(
      REFRESH_COOKIE,
      { type: 'apiKey', in: 'cookie', description: 'Web clients: the httpOnly refresh cookie' },
      REFRESH_COOKIE_AUTH,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Gorb access token (opaque, 64 hex)' }, GORB_TOKEN_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => PUBLIC_PREFIXES.some((p) => path.startsWith(p))));
  return document;
}

/**
 * Serves the document as JSON at GET /api/auth/openapi.json, built once at boot. A plain Fastify
 * route rather than a controller: it needs no access token (the guard never sees it), and the
 * Swagger UI of SwaggerModule.setup would need @fastify/static.
 */
export function serveOpenApi(app: NestFastifyApplication): void {
  const body = JSON.stringify(buildOpenApiDocument(app));
  app
    .getHttpAdapter()
    .getInstance()
    .get(OPENAPI_PATH, (_req, reply) => {
      void reply.header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(body);
    });
}
