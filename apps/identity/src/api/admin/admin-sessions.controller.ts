import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { AdminSessionResponseDto, AdminSignInRequest, CurrentAdminSessionResponseDto, LogoutResponseDto } from '@app/contracts';
import { ApiError, ReqMeta, type RequestMeta } from '@app/core';
import { type AdminRequest, AdminTokenGuard } from '../../core/credentials/admin.guard.js';
import { AdminSessions } from '../../core/credentials/admin-sessions.service.js';
import { ApiCsrfHeader, ApiInsforgeErrors, BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { ADMIN_REFRESH_COOKIE, AdminRefreshCookie } from './admin-refresh-cookie.js';

export const ADMIN_REFRESH_COOKIE_AUTH = 'adminRefreshCookie';

/** InsForge's admin dashboard sessions (web only: the refresh token is always a cookie). */
@ApiTags('admin')
@Controller('api/auth/admin')
export class AdminSessionsController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly cookie: AdminRefreshCookie,
  ) {}

  @ApiOperation({
    summary: 'Admin sign-in',
    description:
      'Checks `{username, password}` against ROOT_ADMIN_USERNAME / ROOT_ADMIN_PASSWORD in constant time. Sets the ' +
      '`insforge_admin_refresh_token` cookie (Path /api/auth/admin) and returns an admin access token (`role: "project_admin"`).',
  })
  @ApiOkResponse({ type: AdminSessionResponseDto, description: 'Signed in; the admin refresh cookie is set' })
  @ApiInsforgeErrors({
    400: 'Invalid input',
    401: 'Invalid admin credentials (AUTH_UNAUTHORIZED)',
    429: 'Too many attempts or failures from this address',
  })
  @Public()
  @Post('sessions')
  @HttpCode(200)
  async signIn(@Body() body: AdminSignInRequest, @ReqMeta() meta: RequestMeta, @Res({ passthrough: true }) reply: FastifyReply) {
    const out = await this.sessions.signIn(body.username, body.password, meta);
    void reply.header('set-cookie', this.cookie.set(out.cookie.token, out.cookie.expiresAt));
    return out.body;
  }

  @ApiOperation({ summary: 'The current admin session', description: 'Needs an admin access token (an API key is not one).' })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiOkResponse({ type: CurrentAdminSessionResponseDto })
  @ApiInsforgeErrors({
    401: 'No token, or an invalid or expired one, or its session has ended',
    403: 'Not an admin token: Admin access required (AUTH_UNAUTHORIZED)',
  })
  @UseGuards(AdminTokenGuard)
  @Get('sessions/current')
  current(@Req() req: AdminRequest) {
    return { admin: { sub: req.actor!.id } };
  }

  @ApiOperation({
    summary: 'Refresh the admin access token',
    description:
      'The `insforge_admin_refresh_token` cookie plus `X-CSRF-Token`. The refresh token rotates; a rotated one replayed after ' +
      'the grace window revokes the admin session. A user refresh token is no admin refresh token.',
  })
  @ApiCookieAuth(ADMIN_REFRESH_COOKIE_AUTH)
  @ApiSecurity({})
  @ApiHeader({ name: 'X-CSRF-Token', required: true, description: 'The csrfToken from admin sign-in or the last admin refresh' })
  @ApiOkResponse({ type: AdminSessionResponseDto, description: 'New tokens and a new admin refresh cookie' })
  @ApiInsforgeErrors({
    401: 'No admin refresh token, or an invalid, expired, revoked or reused one (the cookie is cleared)',
    403: 'Invalid CSRF token (FORBIDDEN)',
    429: 'Too many refreshes from this address',
  })
  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Req() req: FastifyRequest, @ReqMeta() meta: RequestMeta, @Res({ passthrough: true }) reply: FastifyReply) {
    try {
      const out = await this.sessions.refresh(req.cookies[ADMIN_REFRESH_COOKIE], req.headers['x-csrf-token'], meta);
      void reply.header('set-cookie', this.cookie.set(out.cookie.token, out.cookie.expiresAt));
      return out.body;
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 401) void reply.header('set-cookie', this.cookie.clear());
      throw err;
    }
  }

  @ApiOperation({
    summary: 'Admin logout',
    description:
      'Revokes the admin session and clears the cookie. A live admin cookie needs its `X-CSRF-Token`; a missing, stale or ' +
      'foreign cookie is just cleared (idempotent).',
  })
  @ApiCookieAuth(ADMIN_REFRESH_COOKIE_AUTH)
  @ApiSecurity({})
  @ApiCsrfHeader('Required when a live admin refresh cookie is present')
  @ApiOkResponse({ type: LogoutResponseDto })
  @ApiInsforgeErrors({ 403: 'Invalid or missing CSRF token for a live admin refresh cookie (FORBIDDEN)' })
  @Public()
  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: FastifyRequest, @ReqMeta() meta: RequestMeta, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.logout(req.cookies[ADMIN_REFRESH_COOKIE], req.headers['x-csrf-token'], meta);
    void reply.header('set-cookie', this.cookie.clear());
    return { success: true as const, message: 'Logged out successfully' };
  }
}
