import type { OpenApiDocumentOptions } from '@app/core';
import { REFRESH_COOKIE } from './core/sign-in/refresh-cookie.js';
import { ADMIN_REFRESH_COOKIE } from './api/admin/admin-refresh-cookie.js';
import { API_KEY_AUTH } from './api/admin/admin-openapi.js';
import { ADMIN_REFRESH_COOKIE_AUTH } from './api/admin/admin-sessions.controller.js';
import { BEARER_AUTH, GORB_TOKEN_AUTH, REFRESH_COOKIE_AUTH } from './openapi/openapi.decorators.js';

export const OPENAPI_PATH = '/api/auth/openapi.json';

/**
 * identity's OpenAPI document, generated from the controllers' and DTOs' decorators and served at
 * GET /api/auth/openapi.json (buildOpenApiDocument and serveOpenApi of @app/core).
 */
export const IDENTITY_OPENAPI: OpenApiDocumentOptions = {
  path: OPENAPI_PATH,
  title: 'Auth platform: identity',
  description:
    'The InsForge authentication API under /api/auth (sign-up, sessions, refresh, email codes and links, public config) ' +
    'and the Gorb login API under /v1. Errors under /api/auth have the body `{error, message, statusCode, nextActions?}`, ' +
    'under /v1 `{message}`. Profiles (/api/auth/profiles) are served by the profiles app and described in its own document, ' +
    '/api/auth/profiles/openapi.json.',
  version: '1.0.0',
  // What the gateway and the Ingress route to identity; health and metrics stay on the app's own port.
  publicPrefixes: ['/api/', '/v1/', '/.well-known/'],
  configure: (builder) =>
    builder
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token (ES256 JWT)' }, BEARER_AUTH)
      .addCookieAuth(
        REFRESH_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'Web clients: the httpOnly refresh cookie' },
        REFRESH_COOKIE_AUTH,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Gorb access token (opaque, 64 hex)' }, GORB_TOKEN_AUTH)
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'An admin API key (`ik_` + 64 hex); also accepted as `Authorization: Bearer ik_…`',
        },
        API_KEY_AUTH,
      )
      .addCookieAuth(
        ADMIN_REFRESH_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'The admin dashboard: the httpOnly admin refresh cookie (Path /api/auth/admin)' },
        ADMIN_REFRESH_COOKIE_AUTH,
      ),
};
