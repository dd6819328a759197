import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type Principal, Public } from '@app/auth';
import {
  ClientTypeQuery,
  CurrentSessionResponseDto,
  parseClientType,
  RevokeSessionsQuery,
  RevokeSessionsResponseDto,
  type SessionInfo,
  SessionListResponseDto,
  SessionTokensResponseDto,
  SignInRequest,
} from '@app/contracts';
import { ApiError, invalidInput, ReqMeta, type RequestMeta } from '@app/core';
import { auditActor } from '../../core/audit/audit-event.js';
import { LiveSessionGuard } from '../../core/sessions/live-session.guard.js';
import { SessionsService } from '../../core/sessions/sessions.service.js';
import { RefreshCookie } from '../../core/sign-in/refresh-cookie.js';
import { ApiClientType, ApiInsforgeErrors, BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { AuthService } from './auth.service.js';
import { toSessionInfo } from './session.mapper.js';

const LIVE_SESSION_401 = 'No, an invalid or an expired access token, or a revoked session';

/**
 * Every /api/auth/sessions route: sign in (InsForge's POST), the current user (InsForge's GET
 * current), and the caller's own sessions (ours: InsForge has none): list, revoke one, others or all.
 */
@Controller('api/auth/sessions')
export class SessionsController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
    private readonly sessions: SessionsService,
  ) {}

  @ApiOperation({
    summary: 'Sign in with a password, or with an emailed code (`method: "otp"`)',
    description: 'With `method: "otp"` a new email becomes a verified, password-less user unless sign-ups are disabled.',
  })
  @ApiClientType()
  @ApiOkResponse({ type: SessionTokensResponseDto, description: 'Signed in; web clients also get the refresh cookie' })
  @ApiInsforgeErrors({
    400: 'Invalid input, or an invalid or expired sign-in code',
    401: 'Invalid credentials (AUTH_UNAUTHORIZED)',
    403: 'Email verification required (FORBIDDEN), or sign-ups are disabled for a new email (AUTH_SIGNUP_DISABLED)',
    429: 'Too many attempts',
  })
  @Public()
  @ApiTags('auth')
  @Post()
  @HttpCode(200)
  async signIn(
    @Body() body: SignInRequest,
    @Query() q: ClientTypeQuery,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.cookie.apply(reply, await this.auth.signIn(body, parseClientType(q.client_type), meta));
  }

  @ApiOperation({ summary: 'The signed-in user', description: 'Answers 401 once the session behind the access token is revoked.' })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiOkResponse({ type: CurrentSessionResponseDto })
  @ApiInsforgeErrors({ 401: 'No, an invalid or an expired access token, or a revoked session' })
  @ApiTags('auth')
  @Get('current')
  current(@CurrentUser() user: Principal) {
    return this.auth.current(user.userId, user.sessionId);
  }

  @ApiTags('sessions')
  @ApiBearerAuth(BEARER_AUTH)
  @UseGuards(LiveSessionGuard)
  @ApiOperation({ summary: 'The caller’s live sessions (ours: InsForge has no session list)' })
  @ApiOkResponse({ type: SessionListResponseDto })
  @ApiInsforgeErrors({ 401: LIVE_SESSION_401 })
  @Get()
  async list(@CurrentUser() me: Principal): Promise<{ sessions: SessionInfo[] }> {
    return { sessions: (await this.sessions.listLive(me.userId)).map((s) => toSessionInfo(s, me.sessionId)) };
  }

  @ApiTags('sessions')
  @ApiBearerAuth(BEARER_AUTH)
  @UseGuards(LiveSessionGuard)
  @ApiOperation({ summary: 'Revoke the caller’s other sessions, or all of them (ours)' })
  @ApiOkResponse({ type: RevokeSessionsResponseDto })
  @ApiInsforgeErrors({ 400: 'Missing or invalid `scope`', 401: LIVE_SESSION_401 })
  @Delete()
  @HttpCode(200)
  async revokeMany(@CurrentUser() me: Principal, @Query() q: RevokeSessionsQuery, @ReqMeta() meta: RequestMeta) {
    const revoked = await this.sessions.end(
      me.userId,
      { exceptSessionId: q.scope === 'others' ? me.sessionId : undefined },
      { reason: 'user_revoked', actor: auditActor.user(me.userId), meta, details: { scope: q.scope } },
    );
    return { success: true, revoked };
  }

  @ApiTags('sessions')
  @ApiBearerAuth(BEARER_AUTH)
  @UseGuards(LiveSessionGuard)
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions (ours)' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'A session id from GET /api/auth/sessions' })
  @ApiOkResponse({ type: RevokeSessionsResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid session ID format', 401: LIVE_SESSION_401, 404: 'No such session of the caller' })
  @Delete(':id')
  @HttpCode(200)
  async revokeOne(
    @CurrentUser() me: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => invalidInput('Invalid session ID format') })) id: string,
    @ReqMeta() meta: RequestMeta,
  ) {
    const ended = await this.sessions.end(
      me.userId,
      { sessionId: id },
      { reason: 'user_revoked', actor: auditActor.user(me.userId), meta },
    );
    // Someone else's session id is indistinguishable from an unknown one.
    if (ended === 0) throw new ApiError(404, 'NOT_FOUND', 'Session not found');
    return { success: true, revoked: 1 };
  }
}
