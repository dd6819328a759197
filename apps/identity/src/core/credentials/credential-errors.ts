import { ApiError } from '@app/core';

/** InsForge's remediation hints (backend/src/utils/next-actions.ts), quoted exactly. */
export const NEXT_ACTIONS = Object.freeze({
  CHECK_TOKEN: 'Check the token is valid or login to get a new token.',
  CHECK_ADMIN_TOKEN: 'Check the admin token is valid or login as admin to get a new token.',
  CHECK_API_KEY: 'Check the API key is valid or generate a new API key.',
});

export const noAdminToken = () => new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'No admin token provided', NEXT_ACTIONS.CHECK_TOKEN);
export const noToken = () => new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'No token provided', NEXT_ACTIONS.CHECK_TOKEN);
export const invalidToken = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
export const invalidApiKey = () => new ApiError(401, 'AUTH_INVALID_API_KEY', 'Invalid API key', NEXT_ACTIONS.CHECK_API_KEY);
export const invalidAnonKey = () => new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'Invalid anon key', NEXT_ACTIONS.CHECK_TOKEN);
/** A valid token without the admin role on an admin route. */
export const adminRequired = (withHint = true) =>
  new ApiError(403, 'AUTH_UNAUTHORIZED', 'Admin access required', withHint ? NEXT_ACTIONS.CHECK_ADMIN_TOKEN : undefined);
/**
 * A rotated-out API key renewing itself. Ours: the grace period keeps deployed integrations
 * working while they move to the new key; it must not let a leaked old key mint a new one (and so
 * outlive the rotation that was meant to end it).
 */
export const graceKeyCannotRotate = () =>
  new ApiError(
    403,
    'FORBIDDEN',
    'An API key in its grace period cannot rotate the API key',
    'Use the current API key or sign in as admin.',
  );
