import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, type Principal, Public } from '@app/auth';
import { ClientTypeQuery, parseClientType, RefreshRequest, SignInRequest, SignUpRequest } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { type AuthResult, AuthService } from './auth.service.js';
import { bearerOf } from './bearer.js';
import { REFRESH_COOKIE, RefreshCookie } from './refresh-cookie.js';

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookie: RefreshCookie,
  ) {}

  private send<T>(reply: FastifyReply, result: AuthResult<T>): T {
    if (result.cookie === 'clear') void reply.header('set-cookie', this.cookie.clear());
    else if (result.cookie) void reply.header('set-cookie', this.cookie.set(result.cookie.token, result.cookie.expiresAt));
    return result.body;
  }

  @Public()
  @Post('users')
  @HttpCode(200)
  async signUp(
    @Body() body: SignUpRequest,
    @Query() q: ClientTypeQuery,
    @Headers('authorization') authorization: string | undefined,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.auth.checkSignUpCredential(bearerOf(authorization));
    return this.send(reply, await this.auth.signUp(body, parseClientType(q.client_type), meta));
  }

  @Public()
  @Post('sessions')
  @HttpCode(200)
  async signIn(
    @Body() body: SignInRequest,
    @Query() q: ClientTypeQuery,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(reply, await this.auth.signIn(body, parseClientType(q.client_type), meta));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Body() body: RefreshRequest | undefined,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const client = parseClientType(q.client_type);
    try {
      return this.send(
        reply,
        await this.auth.refresh(
          client,
          {
            cookie: req.cookies[REFRESH_COOKIE],
            csrfHeader: req.headers['x-csrf-token'],
            bodyToken: body?.refreshToken ?? body?.refresh_token,
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

  @Public()
  @Post('logout')
  @HttpCode(200)
  async logout(
    @Body() body: RefreshRequest | undefined,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send(
      reply,
      await this.auth.logout(parseClientType(q.client_type), {
        cookie: req.cookies[REFRESH_COOKIE],
        csrfHeader: req.headers['x-csrf-token'],
        bearer: bearerOf(req.headers.authorization),
        bodyToken: body?.refreshToken ?? body?.refresh_token,
      }),
    );
  }

  @Get('sessions/current')
  current(@CurrentUser() user: Principal) {
    return this.auth.current(user.userId, user.sessionId);
  }
}
