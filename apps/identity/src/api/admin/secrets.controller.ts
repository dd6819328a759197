import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RotateAnonKeyRequest, RotateAnonKeyResponseDto, RotateApiKeyRequest, RotateApiKeyResponseDto } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { auditActor } from '../../core/audit/audit-event.js';
import { type AdminRequest, AdminGuard } from '../../core/credentials/admin.guard.js';
import { ANON_KEY_GRACE_HOURS, AnonKeys } from '../../core/credentials/anon-keys.service.js';
import { API_KEY_GRACE_HOURS, ApiKeys } from '../../core/credentials/api-keys.service.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { API_KEY_AUTH, ApiAdminErrors } from './admin-openapi.js';

/** InsForge's key rotations under `/api/secrets` (admin only). */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@UseGuards(AdminGuard)
@Controller('api/secrets')
export class SecretsController {
  constructor(
    private readonly apiKeys: ApiKeys,
    private readonly anonKeys: AnonKeys,
  ) {}

  @ApiOperation({
    summary: 'Rotate the API key',
    description:
      'Makes a new API key and returns it: this answer is the only time it is shown. The old key keeps working for ' +
      '`gracePeriodHours` (default 24, at most 168; 0 ends it at once). Also makes the first key when there is none. ' +
      'Only the current key or an admin may rotate: a key in its grace period cannot renew itself (unlike InsForge).',
  })
  @ApiBody({ type: RotateApiKeyRequest, required: false })
  @ApiOkResponse({ type: RotateApiKeyResponseDto })
  @ApiAdminErrors({
    400: 'gracePeriodHours is not an integer from 0 to 168 (INVALID_INPUT)',
    403: 'A user token: Admin access required (AUTH_UNAUTHORIZED); or an API key in its grace period (FORBIDDEN): only the current key or an admin may rotate',
  })
  @Post('api-key/rotate')
  @HttpCode(200)
  async rotateApiKey(@Body() body: RotateApiKeyRequest, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    const out = await this.apiKeys.rotate(body?.gracePeriodHours ?? API_KEY_GRACE_HOURS.default, auditActor.of(req.actor!), meta);
    return {
      success: true as const,
      message: 'API key rotated successfully. Old key will remain valid during grace period.',
      apiKey: out.apiKey,
      oldKeyExpiresAt: out.oldKeyExpiresAt.toISOString(),
    };
  }

  @ApiOperation({
    summary: 'Rotate the anon key',
    description:
      'A new anon key for every frontend; the old one keeps working for `gracePeriodHours` (default 168, at most 720; 0 ends it ' +
      'at once) while clients move over. Every replica sees the change at once (the keys live in the database).',
  })
  @ApiBody({ type: RotateAnonKeyRequest, required: false })
  @ApiOkResponse({ type: RotateAnonKeyResponseDto })
  @ApiAdminErrors({ 400: 'gracePeriodHours is not an integer from 0 to 720 (INVALID_INPUT)' })
  @Post('anon-key/rotate')
  @HttpCode(200)
  async rotateAnonKey(@Body() body: RotateAnonKeyRequest, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    const out = await this.anonKeys.rotate(body?.gracePeriodHours ?? ANON_KEY_GRACE_HOURS.default, auditActor.of(req.actor!), meta);
    return {
      success: true as const,
      message: 'Anon key rotated successfully. Old key will remain valid during grace period.',
      anonKey: out.anonKey,
      oldKeyExpiresAt: out.oldKeyExpiresAt.toISOString(),
    };
  }
}
