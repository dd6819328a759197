import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Redirect, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/auth';
import { ClientTypeQuery, OAuthAuthUrlResponseDto, OAuthExchangeRequest, parseClientType, SessionTokensResponseDto } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { RefreshCookie } from '../../core/sign-in/refresh-cookie.js';
import { OAUTH_PROVIDER_IDS } from '../../core/oauth/providers/provider-catalog.js';
import { ApiClientType, ApiInsforgeErrors } from '../../openapi/openapi.decorators.js';
import { OAuthFlows } from './oauth-flows.service.js';
import { ApiAuthorizeRequest, ApiCallbackRequest } from './oauth-openapi.js';

const PROVIDER_PARAM = { name: 'provider', enum: [...OAUTH_PROVIDER_IDS], description: 'A built-in provider' };
const REDIRECT_DOC =
  'Back to the app: `redirect_uri?insforge_code=<64 hex>` (exchange it within 5 minutes with POST /api/auth/oauth/exchange), ' +
  'or `redirect_uri?error=<message>` when the provider or the sign-in failed';

@ApiTags('oauth')
@ApiExtraModels(OAuthAuthUrlResponseDto)
@Controller('api/auth/oauth')
export class OAuthController {
  constructor(
    private readonly flows: OAuthFlows,
    private readonly cookie: RefreshCookie,
  ) {}

  @ApiOperation({
    summary: 'Start an OAuth sign-in (PKCE): the provider URL to send the browser to',
    description:
      'Answers JSON `{authUrl}`, not a redirect. `redirect_uri` must be an allowed redirect URL. Any other query parameter ' +
      '(`prompt=select_account`, `login_hint`...) is passed on to the provider, but never replaces ours ' +
      '(`state`, `redirect_uri`, `scope`, `client_id`, `response_type`, `code_challenge`, `nonce`...).',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiAuthorizeRequest()
  @ApiInsforgeErrors({
    400: 'An unsupported provider, invalid parameters, or a redirect URI that is not allowed',
    404: 'A provider segment that names no route (such as an encoded path)',
    429: 'Too many sign-in attempts from this address',
    501: 'The provider is not configured (AUTH_OAUTH_CONFIG_ERROR)',
  })
  @Public()
  @Get(':provider')
  authorize(@Param('provider') provider: string, @Query() query: Record<string, unknown>, @ReqMeta() meta: RequestMeta) {
    return this.flows.authorize(provider, query, meta);
  }

  @ApiOperation({
    summary: "The provider's callback (GET)",
    description: 'The provider sends the browser here; a bad or replayed `state` is a JSON 400, everything else redirects to the app.',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiCallbackRequest(REDIRECT_DOC, { error: true })
  @ApiInsforgeErrors({
    400: 'A missing, invalid, expired, replayed or swapped state, or a redirect URI no longer allowed',
    404: 'A provider segment that names no route (such as an encoded path)',
    429: 'Too many attempts',
  })
  @Public()
  @Get(':provider/callback')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  async callback(@Param('provider') provider: string, @Query() query: Record<string, unknown>, @ReqMeta() meta: RequestMeta) {
    return { url: await this.flows.callback(provider, query, meta), statusCode: 302 };
  }

  @ApiOperation({
    summary: "The provider's callback (POST, Apple's form_post)",
    description: 'The same as the GET callback, with `code` and `state` in an `application/x-www-form-urlencoded` body.',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['state'],
      properties: {
        code: { type: 'string', description: "The provider's authorization code" },
        state: { type: 'string', description: 'The signed state from the authorize request' },
        id_token: { type: 'string', description: "Apple's ID token (ignored: the token endpoint's is used)" },
      },
    },
  })
  @ApiResponse({ status: 302, description: REDIRECT_DOC })
  @ApiInsforgeErrors({
    400: 'A missing, invalid, expired, replayed or swapped state',
    404: 'A provider segment that names no route',
    429: 'Too many attempts',
  })
  @Public()
  @Post(':provider/callback')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  async callbackPost(@Param('provider') provider: string, @Body() body: Record<string, unknown>, @ReqMeta() meta: RequestMeta) {
    return { url: await this.flows.callback(provider, body ?? {}, meta), statusCode: 302 };
  }

  @ApiOperation({
    summary: 'Exchange an insforge_code for a session (PKCE)',
    description:
      'The code is single use (also when the verifier is wrong) and expires after 5 minutes; any replica can exchange it. ' +
      'Web clients get the refresh cookie and `csrfToken`; mobile, desktop and server clients get `refreshToken`.',
  })
  @ApiClientType()
  @ApiOkResponse({ type: SessionTokensResponseDto, description: 'Signed in; web clients also get the refresh cookie' })
  @ApiInsforgeErrors({
    400: 'Invalid input, an invalid, used or expired code (INVALID_INPUT), or a verifier that does not match (AUTH_UNAUTHORIZED)',
    404: 'The account no longer exists (AUTH_USER_NOT_FOUND)',
    429: 'Too many exchanges from this address',
  })
  @Public()
  @Post('exchange')
  @HttpCode(200)
  async exchange(
    @Body() body: OAuthExchangeRequest,
    @Query() q: ClientTypeQuery,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.cookie.apply(reply, await this.flows.exchange(body, parseClientType(q.client_type), meta));
  }
}
