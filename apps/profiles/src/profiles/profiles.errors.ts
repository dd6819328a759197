import { ApiError } from '@app/core';

/** InsForge's answer for an unknown user; never cached, as the profile may arrive a moment later. */
export const userNotFound = () => new ApiError(404, 'AUTH_USER_NOT_FOUND', 'User not found', undefined, { 'cache-control': 'no-store' });

export const invalidUserId = () => new ApiError(400, 'INVALID_INPUT', 'Invalid user ID format');

/** The access-token guard's answer, for a token whose session identity revoked (InsForge: the SDK refreshes on it). */
export const revokedSession = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
