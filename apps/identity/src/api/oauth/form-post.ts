import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BodyError } from '@app/core';

/** The one route that takes an HTML form: Apple's `response_mode=form_post` callback. */
export const FORM_POST_ROUTES: ReadonlySet<string> = new Set(['/api/auth/oauth/:provider/callback']);

/**
 * Parses `application/x-www-form-urlencoded` bodies for the form-post callback only. Every other
 * route keeps answering 415 to them: a cross-site HTML form can send this content type without a
 * CORS preflight, so accepting it elsewhere would open JSON routes to form-based CSRF. A name sent
 * twice becomes a list (which the callback refuses), never a silently chosen value.
 */
export function acceptFormPostCallbacks(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    if (!FORM_POST_ROUTES.has(req.routeOptions.url ?? '')) {
      done(new BodyError('Unsupported content type: send application/json', 415), undefined);
      return;
    }
    const out = Object.create(null) as Record<string, string | string[]>; // `__proto__` stays a plain name
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
    }
    done(null, out);
  });
}
