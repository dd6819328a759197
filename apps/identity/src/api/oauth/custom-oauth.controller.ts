import { Controller, Get, Header, Param, Query, Redirect } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { ReqMeta, type RequestMeta } from '@app/core';
import { ApiInsforgeErrors } from '../../openapi/openapi.decorators.js';
import { CustomOAuthFlows } from './custom-oauth.flows.js';
import { ApiAuthorizeRequest, ApiCallbackRequest } from './oauth-openapi.js';

const KEY_PARAM = { name: 'key', description: 'A configured custom OIDC provider (`^[a-z0-9_-]{1,64}$`)' };

@ApiTags('oauth')
@Controller('api/auth/oauth/custom')
export class CustomOAuthController {
  constructor(private readonly flows: CustomOAuthFlows) {}

  @ApiOperation({
    summary: 'Start a sign-in with a custom OIDC provider (PKCE)',
    description:
      'As `GET /api/auth/oauth/{provider}`: JSON `{authUrl}`; `redirect_uri` must be allowed; extra parameters pass through ' +
      'but never replace ours. The provider is found by the discovery URL an admin configured.',
  })
  @ApiParam(KEY_PARAM)
  @ApiAuthorizeRequest()
  @ApiInsforgeErrors({
    400: 'An invalid key, invalid parameters, or a redirect URI that is not allowed',
    404: 'No custom provider has this key (AUTH_OAUTH_CONFIG_NOT_FOUND), or an empty key: no such route (NOT_FOUND)',
    429: 'Too many sign-in attempts from this address',
    500: "The provider's discovery document could not be used (AUTH_OAUTH_CONFIG_ERROR)",
  })
  @Public()
  @Get(':key')
  authorize(@Param('key') key: string, @Query() query: Record<string, unknown>, @ReqMeta() meta: RequestMeta) {
    return this.flows.authorize(key, query, meta);
  }

  @ApiOperation({
    summary: "A custom OIDC provider's callback",
    description: 'A bad or replayed `state` (or one made for another provider) is a JSON 400; everything else redirects to the app.',
  })
  @ApiParam(KEY_PARAM)
  @ApiCallbackRequest('Back to the app: `redirect_uri?insforge_code=<64 hex>`, or `redirect_uri?error=<message>`')
  @ApiInsforgeErrors({
    400: 'An invalid key, or a missing, invalid, expired, replayed or swapped state',
    404: 'An empty key: no such route (NOT_FOUND)',
    429: 'Too many attempts',
  })
  @Public()
  @Get(':key/callback')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  async callback(@Param('key') key: string, @Query() query: Record<string, unknown>, @ReqMeta() meta: RequestMeta) {
    return { url: await this.flows.callback(key, query, meta), statusCode: 302 };
  }
}
