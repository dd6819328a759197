import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AnonTokenResponseDto } from '@app/contracts';
import { ApiError } from '@app/core';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { AnonKeys } from '../../core/credentials/anon-keys.service.js';
import { ApiAdminErrors, API_KEY_AUTH } from './admin-openapi.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';

/** `POST /api/auth/tokens/anon`: InsForge's deprecated way to read the anon key (admin only). */
@ApiTags('admin')
@Controller('api/auth/tokens')
export class AnonTokenController {
  constructor(private readonly anonKeys: AnonKeys) {}

  @ApiOperation({
    summary: 'Get the anon key (deprecated)',
    deprecated: true,
    description:
      'Deprecated: use GET /api/metadata/anon-key. Returns the active anon key; rotate it with POST /api/secrets/anon-key/rotate.',
  })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity(API_KEY_AUTH)
  @ApiOkResponse({ type: AnonTokenResponseDto })
  @ApiAdminErrors({ 404: 'No anon key is stored yet (NOT_FOUND)' })
  @UseGuards(AdminGuard)
  @Post('anon')
  @HttpCode(200)
  async anon() {
    const key = await this.anonKeys.current();
    if (!key) throw new ApiError(404, 'NOT_FOUND', 'Anon key not initialized');
    return { accessToken: key, message: 'Anon key retrieved successfully (deprecated route, use GET /api/metadata/anon-key)' };
  }
}
