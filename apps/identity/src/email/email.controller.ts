import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import {
  type AcceptedResponse,
  ClientTypeQuery,
  ExchangeResetTokenRequest,
  parseClientType,
  ResetPasswordRequest,
  SendEmailRequest,
  SendOtpRequest,
  TokenQuery,
  VerifyEmailRequest,
} from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { RefreshCookie } from '../auth/refresh-cookie.js';
import { EmailFlowsService, type LinkOutcome } from './email-flows.service.js';

@Public()
@Controller('api/auth/email')
export class EmailController {
  constructor(
    private readonly flows: EmailFlowsService,
    private readonly cookie: RefreshCookie,
  ) {}

  private follow(reply: FastifyReply, out: LinkOutcome) {
    if ('redirect' in out) return reply.redirect(out.redirect, 302);
    return reply.status(out.status).send(out.body);
  }

  @Post('send-otp')
  @HttpCode(202)
  sendOtp(@Body() body: SendOtpRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendOtp(body.email, meta);
  }

  @Post('send-verification')
  @HttpCode(202)
  sendVerification(@Body() body: SendEmailRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendVerification(body, meta);
  }

  @Post('verify')
  @HttpCode(200)
  async verify(
    @Body() body: VerifyEmailRequest,
    @Query() q: ClientTypeQuery,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const out = await this.flows.verifyEmail(body, parseClientType(q.client_type), meta);
    if (out.cookie && out.cookie !== 'clear') void reply.header('set-cookie', this.cookie.set(out.cookie.token, out.cookie.expiresAt));
    return out.body;
  }

  @Get('verify-link')
  async verifyLink(@Query() q: TokenQuery, @Res() reply: FastifyReply) {
    return this.follow(reply, await this.flows.verifyLink(q.token));
  }

  @Post('send-reset-password')
  @HttpCode(202)
  sendReset(@Body() body: SendEmailRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendResetPassword(body, meta);
  }

  @Post('exchange-reset-password-token')
  @HttpCode(200)
  exchange(@Body() body: ExchangeResetTokenRequest, @ReqMeta() meta: RequestMeta) {
    return this.flows.exchangeResetToken(body, meta);
  }

  @Get('reset-password-link')
  async resetLink(@Query() q: TokenQuery, @Res() reply: FastifyReply) {
    return this.follow(reply, await this.flows.resetPasswordLink(q.token));
  }

  @Post('reset-password')
  @HttpCode(200)
  reset(@Body() body: ResetPasswordRequest, @ReqMeta() meta: RequestMeta) {
    return this.flows.resetPassword(body, meta);
  }
}
