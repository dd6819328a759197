import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type AuthConfigResponse, AuthConfigDto, UpdateAuthConfigRequest } from '@app/contracts';
import { AuthConfigAdmin } from '../../core/auth-config/auth-config.admin.js';
import type { AdminChange } from '../../core/auth-config/admin-change.js';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { AdminChangeOf } from './admin-actor.js';
import { API_KEY_AUTH, ApiAdminErrors } from './admin-openapi.js';

/** `GET|PUT /api/auth/config`: the auth policy, live on every replica at commit. */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@UseGuards(AdminGuard)
@Controller('api/auth/config')
export class ConfigAdminController {
  constructor(private readonly config: AuthConfigAdmin) {}

  @ApiOperation({ summary: 'Get the authentication configuration (admin)' })
  @ApiOkResponse({ type: AuthConfigDto })
  @ApiAdminErrors()
  @Get()
  get(): Promise<AuthConfigResponse> {
    return this.config.get();
  }

  @ApiOperation({
    summary: 'Update the authentication configuration (admin)',
    description: 'Any subset of the fields; returns the whole configuration. Every replica applies it on its next request.',
  })
  @ApiOkResponse({ type: AuthConfigDto })
  @ApiAdminErrors({
    400: 'Invalid input (INVALID_INPUT), or requireEmailVerification without a usable mail setup (EMAIL_PROVIDER_NOT_CONFIGURED)',
  })
  @Put()
  update(@Body() body: UpdateAuthConfigRequest, @AdminChangeOf() change: AdminChange): Promise<AuthConfigResponse> {
    return this.config.update(body, change);
  }
}
