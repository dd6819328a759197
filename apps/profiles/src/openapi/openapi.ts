import { BEARER_AUTH, type OpenApiDocumentOptions } from '@app/core';

export const OPENAPI_PATH = '/api/auth/profiles/openapi.json';

/**
 * profiles' OpenAPI document, generated from the controller's and DTOs' decorators and served at
 * GET /api/auth/profiles/openapi.json (buildOpenApiDocument and serveOpenApi of @app/core). That
 * static route wins over GET /api/auth/profiles/:userId in Fastify's router.
 */
export const PROFILES_OPENAPI: OpenApiDocumentOptions = {
  path: OPENAPI_PATH,
  title: 'Auth platform: profiles',
  description:
    'The profiles of the InsForge authentication API: public reads (with ETag revalidation) and the owner’s writes. ' +
    'Errors have the body `{error, message, statusCode, nextActions?}`. ' +
    'The rest of /api/auth is served by the identity app and described at /api/auth/openapi.json.',
  version: '1.0.0',
  // What the gateway and the Ingress route to profiles; health and metrics stay on the app's own port.
  publicPrefixes: ['/api/auth/profiles'],
  configure: (builder) =>
    builder.addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token (ES256 JWT) issued by identity' },
      BEARER_AUTH,
    ),
};
