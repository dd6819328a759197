import { Body, Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBearer, Public } from '@app/auth';
import {
  ClientTypeQuery,
  LogoutResponseDto,
  parseClientType,
  RefreshRequest,
  SessionTokensResponseDto,
  SignUpRequest,
  SignUpResponseDto,
} from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import {
  API_KEY_AUTH,
  ApiClientType,
  ApiCsrfHeader,
  ApiInsforgeErrors,
  BEARER_AUTH,
  REFRESH_COOKIE_AUTH,
} from '../../openapi/openapi.decorators.js';
import { Callers } from '../../core/credentials/callers.js';
import { AuthService } from './auth.service.js';
import { REFRESH_COOKIE, RefreshCookie } from '../../core/sign-in/refresh-cookie.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
    private readonly callers: Callers,
  ) {}

  @ApiOperation({
    summary: 'Sign up',
    description:
      'Creates an account. `Authorization: Bearer` is optional: the anon key or an access token; any other credential is refused. ' +
      'With email verification on, the body is `{accessToken: null, requireEmailVerification: true}` with no user and no session. ' +
      'With an API key (Bearer `ik_…` or `x-api-key`) or an admin token, the admin creates the user: sign-ups may be disabled, ' +
      "`autoConfirm: true` marks the email verified, no mail is sent, and the answer carries the new user's access token only.",
  })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity(API_KEY_AUTH)
  @ApiSecurity({})
  @ApiClientType()
  @ApiOkResponse({ type: SignUpResponseDto, description: 'Created (200, as InsForge answers); web clients also get the refresh cookie' })
  @ApiInsforgeErrors({
    400: 'Invalid input, a password that does not meet the policy, or a redirect URL that is not allowed',
    401: 'An invalid anon key, access token or API key (AUTH_INVALID_API_KEY)',
    403: 'Sign-ups are disabled (AUTH_SIGNUP_DISABLED)',
    409: 'User already exists (AUTH_EMAIL_EXISTS)',
    429: 'Too many sign-ups from this address',
  })
  @Public()
  @Post('users')
  @HttpCode(200)
  async signUp(
    @Body() body: SignUpRequest,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = await this.callers.of(req.headers);
    return this.cookie.apply(
      reply,
      await this.auth.signUp(body, parseClientType(q.client_type), meta, caller.kind === 'admin' ? caller.actor : undefined),
    );
  }

  @ApiOperation({
    summary: 'Refresh the access token and rotate the refresh token',
    description:
      'Web: the refresh cookie plus `X-CSRF-Token`. Mobile, desktop, server: `refreshToken` (or `refresh_token`) in the body. ' +
      'A rotated token replayed after the grace window revokes the session.',
  })
  @ApiClientType()
  @ApiCsrfHeader('Web clients: the csrfToken from sign-in (required with the cookie)')
  @ApiCookieAuth(REFRESH_COOKIE_AUTH)
  @ApiSecurity({})
  @ApiBody({ type: RefreshRequest, required: false })
  @ApiOkResponse({ type: SessionTokensResponseDto, description: 'New tokens; web clients also get the new refresh cookie' })
  @ApiInsforgeErrors({
    400: 'Non-web client without a refresh token in the body',
    401: 'No refresh token, or an invalid, expired, revoked or reused one (web: the cookie is cleared)',
    403: 'Invalid CSRF token',
    429: 'Too many refreshes from this address',
  })
  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Body() body: RefreshRequest,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const client = parseClientType(q.client_type);
    try {
      return this.cookie.apply(
        reply,
        await this.auth.refresh(
          client,
          {
            cookie: req.cookies[REFRESH_COOKIE],
            csrfHeader: req.headers['x-csrf-token'],
            bodyToken: body.refreshToken ?? body.refresh_token,
          },
          meta,
        ),
      );
    } catch (err) {
      // A web client whose refresh failed with 401 loses its cookie (InsForge does the same).
      if (client === 'web' && (err as { getStatus?: () => number }).getStatus?.() === 401)
        void reply.header('set-cookie', this.cookie.clear());
      throw err;
    }
  }

  @ApiOperation({
    summary: 'Log out: revoke the session',
    description:
      'Web: the session of the refresh cookie (a live cookie needs `X-CSRF-Token`); the cookie is cleared. ' +
      'Others: the session of the refresh token in the body, or of the Bearer access token. Idempotent.',
  })
  @ApiClientType()
  @ApiCsrfHeader('Web clients with a live refresh cookie: the csrfToken from sign-in')
  @ApiCookieAuth(REFRESH_COOKIE_AUTH)
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity({})
  @ApiBody({ type: RefreshRequest, required: false })
  @ApiOkResponse({ type: LogoutResponseDto, description: 'Logged out (also when there was nothing to revoke)' })
  @ApiInsforgeErrors({
    401: 'A malformed Authorization header (AUTH_UNAUTHORIZED "Invalid token"): nothing is revoked',
    403: 'Invalid CSRF token for a live web refresh cookie',
  })
  @Public()
  @Post('logout')
  @HttpCode(200)
  async logout(
    @Body() body: RefreshRequest,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.cookie.apply(
      reply,
      await this.auth.logout(
        parseClientType(q.client_type),
        {
          cookie: req.cookies[REFRESH_COOKIE],
          csrfHeader: req.headers['x-csrf-token'],
          bearer: parseBearer(req.headers.authorization),
          bodyToken: body.refreshToken ?? body.refresh_token,
        },
        meta,
      ),
    );
  }
}
