import { ApiInsforgeErrors } from '../../openapi/openapi.decorators.js';

export { API_KEY_AUTH } from '../../openapi/openapi.decorators.js';

/** What AdminGuard answers, on every admin route, plus the route's own errors. */
export const ApiAdminErrors = (more: Record<number, string> = {}) =>
  ApiInsforgeErrors({
    401: 'No credential (AUTH_INVALID_CREDENTIALS), an invalid or expired token (AUTH_UNAUTHORIZED), or an invalid API key (AUTH_INVALID_API_KEY)',
    403: 'A user token: Admin access required (AUTH_UNAUTHORIZED)',
    ...more,
  });
