import type { SessionInfo, SessionTokensResponse } from '@app/contracts';
import type { SessionRow } from '../../core/sessions/sessions.repository.js';

/** A session row as the caller's session list shows it. */
export function toSessionInfo(s: SessionRow, currentId: string): SessionInfo {
  const expires = s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt;
  return {
    id: s.id,
    api: s.api,
    clientType: s.clientType,
    deviceName: s.deviceName,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: new Date(s.createdAt).toISOString(),
    lastUsedAt: new Date(s.lastUsedAt).toISOString(),
    expiresAt: new Date(expires).toISOString(),
    current: s.id === currentId,
  };
}

/** InsForge's refresh body: `{accessToken, user, csrfToken | refreshToken}` (sign-in's keys, its order). */
export function toRefreshBody(b: SessionTokensResponse): SessionTokensResponse {
  return {
    accessToken: b.accessToken,
    user: b.user,
    ...(b.csrfToken !== undefined ? { csrfToken: b.csrfToken } : {}),
    ...(b.refreshToken !== undefined ? { refreshToken: b.refreshToken } : {}),
  };
}
