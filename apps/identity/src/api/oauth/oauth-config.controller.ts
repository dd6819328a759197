import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  CreateCustomOAuthConfigRequest,
  CreateOAuthConfigRequest,
  CustomOAuthConfigDto,
  CustomOAuthConfigListDto,
  OAUTH_PROVIDERS,
  OAuthConfigDeletedDto,
  OAuthConfigDto,
  OAuthConfigListDto,
  UpdateCustomOAuthConfigRequest,
  UpdateOAuthConfigRequest,
} from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { auditActor } from '../../core/audit/audit-event.js';
import { AdminGuard, type AdminRequest } from '../../core/credentials/admin.guard.js';
import { OAuthConfigsAdmin, type Who } from '../../core/oauth/oauth-configs.admin.js';
import { ApiInsforgeErrors, BEARER_AUTH } from '../../openapi/openapi.decorators.js';

/** InsForge's name for the API key scheme (declared on the document by the admin front door). */
const API_KEY_AUTH = 'apiKey';

/** Every route here: AdminGuard, its answers, and the route's own errors. */
const Admin = (summary: string, errors: Record<number, string> = {}, description?: string) =>
  applyDecorators(
    ApiOperation({ summary, description }),
    ApiBearerAuth(BEARER_AUTH),
    ApiSecurity(API_KEY_AUTH),
    ApiInsforgeErrors({
      401: 'No credential (AUTH_INVALID_CREDENTIALS), an invalid or expired token (AUTH_UNAUTHORIZED), or an invalid API key (AUTH_INVALID_API_KEY)',
      403: 'A user token: Admin access required (AUTH_UNAUTHORIZED)',
      ...errors,
    }),
    UseGuards(AdminGuard),
  );

const NO_SECRET =
  'Unlike InsForge, the client secret is never returned: it is write-only and stored encrypted; `hasClientSecret` says whether one is set.';

const ProviderParam = () => ApiParam({ name: 'provider', enum: OAUTH_PROVIDERS });
const KeyParam = () => ApiParam({ name: 'key', description: 'The custom provider key (`^[a-z0-9_-]{1,64}$`)' });

const who = (req: AdminRequest, meta: RequestMeta): Who => ({ actor: auditActor.of(req.actor!), meta });

/** Admin configuration of OAuth providers: the eleven built-in ones and custom OIDC providers. */
@ApiTags('admin')
@Controller('api/auth/oauth')
export class OAuthConfigController {
  constructor(private readonly admin: OAuthConfigsAdmin) {}

  @Admin('List all OAuth configurations', {}, NO_SECRET)
  @ApiOkResponse({ type: OAuthConfigListDto })
  @Get('configs')
  list() {
    return this.admin.list();
  }

  @Admin(
    'Create OAuth configuration',
    { 400: 'Invalid input, or useSharedKey (AUTH_OAUTH_CONFIG_ERROR)', 409: 'Already configured (AUTH_OAUTH_CONFIG_ALREADY_EXISTS)' },
    NO_SECRET,
  )
  @ApiOkResponse({ type: OAuthConfigDto })
  @Post('configs')
  @HttpCode(200)
  create(@Body() body: CreateOAuthConfigRequest, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    return this.admin.create(body, who(req, meta));
  }

  @Admin('List all custom OAuth configurations', {}, NO_SECRET)
  @ApiOkResponse({ type: CustomOAuthConfigListDto })
  @Get('custom/configs')
  listCustom() {
    return this.admin.listCustom();
  }

  @Admin(
    'Create custom OAuth configuration',
    { 400: 'Invalid input', 409: 'Key already configured (AUTH_OAUTH_CONFIG_ALREADY_EXISTS)' },
    NO_SECRET,
  )
  @ApiOkResponse({ type: CustomOAuthConfigDto })
  @Post('custom/configs')
  @HttpCode(200)
  createCustom(@Body() body: CreateCustomOAuthConfigRequest, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    return this.admin.createCustom(body, who(req, meta));
  }

  @Admin('Get custom OAuth configuration', { 400: 'Invalid key', 404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)' }, NO_SECRET)
  @KeyParam()
  @ApiOkResponse({ type: CustomOAuthConfigDto })
  @Get('custom/:key/config')
  getCustom(@Param('key') key: string) {
    return this.admin.getCustom(key);
  }

  @Admin('Update custom OAuth configuration', { 400: 'Invalid key or input', 404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)' })
  @KeyParam()
  @ApiOkResponse({ type: CustomOAuthConfigDto })
  @Put('custom/:key/config')
  updateCustom(
    @Param('key') key: string,
    @Body() body: UpdateCustomOAuthConfigRequest,
    @Req() req: AdminRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.updateCustom(key, body, who(req, meta));
  }

  @Admin('Delete custom OAuth configuration', { 400: 'Invalid key', 404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)' })
  @KeyParam()
  @ApiOkResponse({ type: OAuthConfigDeletedDto })
  @Delete('custom/:key/config')
  removeCustom(@Param('key') key: string, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    return this.admin.removeCustom(key, who(req, meta));
  }

  @Admin(
    'Get OAuth configuration for specific provider',
    { 400: 'Invalid provider name', 404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)' },
    NO_SECRET,
  )
  @ProviderParam()
  @ApiOkResponse({ type: OAuthConfigDto })
  @Get(':provider/config')
  get(@Param('provider') provider: string) {
    return this.admin.get(provider);
  }

  @Admin('Update OAuth configuration', {
    400: 'Invalid input, or useSharedKey (AUTH_OAUTH_CONFIG_ERROR)',
    404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)',
  })
  @ProviderParam()
  @ApiOkResponse({ type: OAuthConfigDto })
  @Put(':provider/config')
  update(
    @Param('provider') provider: string,
    @Body() body: UpdateOAuthConfigRequest,
    @Req() req: AdminRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.update(provider, body, who(req, meta));
  }

  @Admin('Delete OAuth configuration', { 400: 'Invalid provider name', 404: 'Not configured (AUTH_OAUTH_CONFIG_NOT_FOUND)' })
  @ProviderParam()
  @ApiOkResponse({ type: OAuthConfigDeletedDto })
  @Delete(':provider/config')
  remove(@Param('provider') provider: string, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    return this.admin.remove(provider, who(req, meta));
  }
}
