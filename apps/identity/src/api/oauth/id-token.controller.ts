import { Body, Controller, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { ClientTypeQuery, IdTokenSignInRequest, parseClientType, SessionTokensResponseDto } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { RefreshCookie } from '../../core/sign-in/refresh-cookie.js';
import { ApiClientType, ApiInsforgeErrors } from '../../openapi/openapi.decorators.js';
import { IdTokenSignIn } from './id-token.service.js';

@ApiTags('oauth')
@Controller('api/auth')
export class IdTokenController {
  constructor(
    private readonly idTokens: IdTokenSignIn,
    private readonly cookie: RefreshCookie,
  ) {}

  @ApiOperation({
    summary: 'Sign in with a native provider ID token',
    description:
      "An ID token from Google's or Apple's native SDK, verified against the provider's published keys, its issuer and the " +
      "project's audiences (the provider's `clientId` and `nativeClientIds`; a caller cannot choose one). Apple requests " +
      'carry the raw nonce whose lowercase SHA-256 hex digest the native request carried, and an Apple token works once. ' +
      'The account is found as for the OAuth callback (by provider and subject; by email only when the provider verified it).',
  })
  @ApiClientType()
  @ApiOkResponse({ type: SessionTokensResponseDto, description: 'Signed in; web clients also get the refresh cookie' })
  @ApiInsforgeErrors({
    400: 'Invalid input, or a Google token that does not verify (INVALID_INPUT "Failed to verify Google ID token")',
    401: 'An Apple token that does not verify, or a replayed one (AUTH_UNAUTHORIZED "Failed to verify Apple ID token")',
    403: 'A new account while sign-ups are disabled (AUTH_SIGNUP_DISABLED)',
    409: "The token's email belongs to an account and the provider did not verify it (AUTH_EMAIL_EXISTS)",
    429: 'Too many attempts from this address (30 per 15 minutes)',
  })
  @Public()
  @Post('id-token')
  @HttpCode(200)
  async signIn(
    @Body() body: IdTokenSignInRequest,
    @Query() q: ClientTypeQuery,
    @Req() req: FastifyRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const raw = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    return this.cookie.apply(reply, await this.idTokens.signIn(body, raw, parseClientType(q.client_type), meta));
  }
}
