import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminAuthMetadataResponseDto, AnonKeyResponseDto, ApiKeyMetadataResponseDto } from '@app/contracts';
import { ApiError } from '@app/core';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { AnonKeys } from '../../core/credentials/anon-keys.service.js';
import { ApiKeys } from '../../core/credentials/api-keys.service.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { API_KEY_AUTH, ApiAdminErrors } from './admin-openapi.js';

/** InsForge's `/api/metadata` routes that concern auth (admin only). */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@UseGuards(AdminGuard)
@Controller('api/metadata')
export class MetadataController {
  constructor(
    private readonly anonKeys: AnonKeys,
    private readonly apiKeys: ApiKeys,
    private readonly authConfig: AuthConfigService,
  ) {}

  @ApiOperation({
    summary: 'The active anon key',
    description: 'A public identifier: safe to ship in frontends. Rotate it with POST /api/secrets/anon-key/rotate.',
  })
  @ApiOkResponse({ type: AnonKeyResponseDto })
  @ApiAdminErrors({ 404: 'No anon key is stored yet (NOT_FOUND)' })
  @Get('anon-key')
  async anonKey() {
    const anonKey = await this.anonKeys.current();
    if (!anonKey) throw new ApiError(404, 'NOT_FOUND', 'Anon key not initialized');
    return { anonKey };
  }

  @ApiOperation({
    summary: 'About the API key (never the key)',
    description:
      'Unlike InsForge, API keys are stored hashed: a key is shown once, in the answer of POST /api/secrets/api-key/rotate, and ' +
      '`apiKey` here is always null. The active key is named by a short hint, with the rotated-out keys still accepted.',
  })
  @ApiOkResponse({ type: ApiKeyMetadataResponseDto })
  @ApiAdminErrors()
  @Get('api-key')
  async apiKey() {
    const { active, inGrace } = await this.apiKeys.describe();
    return {
      apiKey: null,
      hint: active?.hint ?? null,
      createdAt: active?.createdAt.toISOString() ?? null,
      inGracePeriod: inGrace.map((k) => ({ hint: k.hint, createdAt: k.createdAt.toISOString(), expiresAt: k.expiresAt.toISOString() })),
      message: active
        ? 'API keys are stored hashed and shown only once. Rotate to get a new key.'
        : 'No API key yet. POST /api/secrets/api-key/rotate makes one (shown once).',
    };
  }

  @ApiOperation({ summary: 'Auth settings for admins', description: 'The public config plus the redirect allow-list.' })
  @ApiOkResponse({ type: AdminAuthMetadataResponseDto })
  @ApiAdminErrors()
  @Get('auth')
  async auth() {
    const [pub, config] = await Promise.all([this.authConfig.publicConfig(), this.authConfig.get()]);
    return { ...pub, allowedRedirectUrls: config.allowedRedirectUrls ?? [] };
  }
}
