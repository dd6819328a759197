import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import {
  type AcceptedResponse,
  AcceptedResponseDto,
  ClientTypeQuery,
  ExchangeResetTokenRequest,
  LinkVerifiedResponseDto,
  parseClientType,
  ResetLinkReadyResponseDto,
  ResetPasswordRequest,
  ResetPasswordResponseDto,
  ResetTokenResponseDto,
  SendEmailRequest,
  SendOtpRequest,
  SessionTokensResponseDto,
  TokenQuery,
  VerifyEmailRequest,
} from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { ApiClientType, ApiInsforgeErrors } from '../../openapi/openapi.decorators.js';
import { RefreshCookie } from '../../core/sign-in/refresh-cookie.js';
import { EmailFlowsService, type LinkOutcome } from './email-flows.service.js';

@ApiTags('email')
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

  @ApiOperation({
    summary: 'Email a sign-in code',
    description:
      'Exchange the code at POST /api/auth/sessions with `method: "otp"`. The answer is the same whether or not the email has an account.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponseDto, description: 'Accepted for delivery' })
  @ApiInsforgeErrors({ 400: 'Invalid input', 429: 'Too many sends from this address, or for this email (one a minute)' })
  @Post('send-otp')
  @HttpCode(202)
  sendOtp(@Body() body: SendOtpRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendOtp(body.email, meta);
  }

  @ApiOperation({
    summary: 'Email a verification code or link (per `verifyEmailMethod`)',
    description: 'The answer is the same whether or not the email has an account; the mail goes out only to an unverified account.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponseDto, description: 'Accepted; the message names the configured method' })
  @ApiInsforgeErrors({
    400: 'Invalid input, or a missing or not-allowed `redirectTo` (link method)',
    429: 'Too many sends from this address, or for this email (one a minute)',
  })
  @Post('send-verification')
  @HttpCode(202)
  sendVerification(@Body() body: SendEmailRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendVerification(body, meta);
  }

  @ApiOperation({ summary: 'Verify the email with the emailed code; signs the user in' })
  @ApiClientType()
  @ApiOkResponse({ type: SessionTokensResponseDto, description: 'Verified and signed in; web clients also get the refresh cookie' })
  @ApiInsforgeErrors({ 400: 'Invalid input, or an invalid or expired code', 429: 'Too many failed codes from this address' })
  @Post('verify')
  @HttpCode(200)
  async verify(
    @Body() body: VerifyEmailRequest,
    @Query() q: ClientTypeQuery,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const out = await this.flows.verifyEmail(body, parseClientType(q.client_type), meta);
    return this.cookie.apply(reply, out);
  }

  @ApiOperation({
    summary: 'The emailed verification link: verifies and redirects',
    description:
      'Redirects to the stored `redirectTo` with `insforge_status=success|error&insforge_type=verify_email[&insforge_error=…]`. ' +
      'No session is created. A link stored without a redirect URL answers in JSON instead.',
  })
  @ApiResponse({ status: 302, description: 'To the stored redirect URL, with the result in the query' })
  @ApiOkResponse({ description: 'Verified, for a link without a redirect URL (ours)', type: LinkVerifiedResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid, expired or unknown token (when there is nowhere to redirect)' })
  @Get('verify-link')
  async verifyLink(@Query() q: TokenQuery, @Res() reply: FastifyReply) {
    return this.follow(reply, await this.flows.verifyLink(q.token));
  }

  @ApiOperation({
    summary: 'Email a password reset code or link (per `resetPasswordMethod`)',
    description: 'The answer is the same whether or not the email has an account.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponseDto, description: 'Accepted; the message names the configured method' })
  @ApiInsforgeErrors({
    400: 'Invalid input, or a missing or not-allowed `redirectTo` (link method)',
    429: 'Too many sends from this address, or for this email (one a minute)',
  })
  @Post('send-reset-password')
  @HttpCode(202)
  sendReset(@Body() body: SendEmailRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.flows.sendResetPassword(body, meta);
  }

  @ApiOperation({ summary: 'Exchange the emailed reset code for a reset token (code method)' })
  @ApiOkResponse({ type: ResetTokenResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid input, or an invalid or expired code', 429: 'Too many failed codes from this address' })
  @Post('exchange-reset-password-token')
  @HttpCode(200)
  exchange(@Body() body: ExchangeResetTokenRequest, @ReqMeta() meta: RequestMeta) {
    return this.flows.exchangeResetToken(body, meta);
  }

  @ApiOperation({
    summary: 'The emailed reset link: redirects to the app with the token',
    description:
      'Redirects to the stored `redirectTo` with `token=…&insforge_status=ready&insforge_type=reset_password` ' +
      '(or `insforge_status=error`). Does not consume the token. A link stored without a redirect URL answers in JSON instead.',
  })
  @ApiResponse({ status: 302, description: 'To the stored redirect URL, with the token or the error in the query' })
  @ApiOkResponse({ description: 'Ready, for a link without a redirect URL (ours)', type: ResetLinkReadyResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid, expired or unknown token (when there is nowhere to redirect)' })
  @Get('reset-password-link')
  async resetLink(@Query() q: TokenQuery, @Res() reply: FastifyReply) {
    return this.follow(reply, await this.flows.resetPasswordLink(q.token));
  }

  @ApiOperation({
    summary: 'Set a new password with a reset token',
    description: 'The password policy is checked first; then the token is consumed and every session of the user is revoked.',
  })
  @ApiOkResponse({ type: ResetPasswordResponseDto })
  @ApiInsforgeErrors({
    400: 'Invalid input, a password that does not meet the policy, or an invalid or expired token',
    429: 'Too many failed tokens from this address',
  })
  @Post('reset-password')
  @HttpCode(200)
  reset(@Body() body: ResetPasswordRequest, @ReqMeta() meta: RequestMeta) {
    return this.flows.resetPassword(body, meta);
  }
}
