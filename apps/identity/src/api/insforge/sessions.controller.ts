import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@app/auth';
import { RevokeSessionsQuery, RevokeSessionsResponseDto, type SessionInfo, SessionListResponseDto } from '@app/contracts';
import { ApiError, invalidInput } from '@app/core';
import { ApiInsforgeErrors, BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import type { SessionRow } from '../../core/sessions/sessions.repository.js';
import { LiveSessionGuard } from '../../core/sessions/live-session.guard.js';
import { SessionsService } from '../../core/sessions/sessions.service.js';

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

/** The caller's own sessions (ours: InsForge has none): list, revoke one, others or all. */
@ApiTags('sessions')
@ApiBearerAuth(BEARER_AUTH)
@ApiInsforgeErrors({ 401: 'No, an invalid or an expired access token, or a revoked session' })
@UseGuards(LiveSessionGuard)
@Controller('api/auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiOperation({ summary: 'The caller’s live sessions (ours: InsForge has no session list)' })
  @ApiOkResponse({ type: SessionListResponseDto })
  @Get()
  async list(@CurrentUser() me: Principal): Promise<{ sessions: SessionInfo[] }> {
    return { sessions: (await this.sessions.listLive(me.userId)).map((s) => toSessionInfo(s, me.sessionId)) };
  }

  @ApiOperation({ summary: 'Revoke the caller’s other sessions, or all of them (ours)' })
  @ApiOkResponse({ type: RevokeSessionsResponseDto })
  @ApiInsforgeErrors({ 400: 'Missing or invalid `scope`' })
  @Delete()
  @HttpCode(200)
  async revokeMany(@CurrentUser() me: Principal, @Query() q: RevokeSessionsQuery) {
    const revoked = await this.sessions.revokeAll(me.userId, 'user_revoked', { except: q.scope === 'others' ? me.sessionId : undefined });
    return { success: true, revoked };
  }

  @ApiOperation({ summary: 'Revoke one of the caller’s sessions (ours)' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'A session id from GET /api/auth/sessions' })
  @ApiOkResponse({ type: RevokeSessionsResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid session ID format', 404: 'No such session of the caller' })
  @Delete(':id')
  @HttpCode(200)
  async revokeOne(
    @CurrentUser() me: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => invalidInput('Invalid session ID format') })) id: string,
  ) {
    // Someone else's session id is indistinguishable from an unknown one.
    if ((await this.sessions.revokeForUser(me.userId, id, 'user_revoked')) === 0) throw new ApiError(404, 'NOT_FOUND', 'Session not found');
    return { success: true, revoked: 1 };
  }
}
