import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type SmtpConfigResponse, SmtpConfigDto, UpsertSmtpConfigRequest } from '@app/contracts';
import { SmtpSettings } from '../../core/auth-config/smtp-settings.service.js';
import type { AdminChange } from '../../core/auth-config/admin-change.js';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { AdminChangeOf } from './admin-actor.js';
import { API_KEY_AUTH, ApiAdminErrors } from './admin-openapi.js';

/** `GET|PUT /api/auth/smtp-config`: the SMTP server the mailer uses instead of its environment's. */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@UseGuards(AdminGuard)
@Controller('api/auth/smtp-config')
export class SmtpConfigController {
  constructor(private readonly smtp: SmtpSettings) {}

  @ApiOperation({ summary: 'Get the saved SMTP settings (admin); the password is never returned, `hasPassword` says whether one is set' })
  @ApiOkResponse({ type: SmtpConfigDto })
  @ApiAdminErrors()
  @Get()
  get(): Promise<SmtpConfigResponse> {
    return this.smtp.get();
  }

  @ApiOperation({
    summary: 'Save the SMTP settings (admin)',
    description:
      'When enabled, host, username, senderEmail and senderName are required, the host must be public (or listed in SMTP_ALLOWED_TARGETS) and the server must accept the credentials. ' +
      'The password is stored encrypted; omit it to keep the saved one. Mail requested afterwards is sent with these settings, without a restart. ' +
      'SMTP cannot be disabled while email verification is required, unless the mailer has an SMTP server of its own (SMTP_HOST).',
  })
  @ApiOkResponse({ type: SmtpConfigDto })
  @ApiAdminErrors({
    400: 'Invalid input or a host the policy refuses (INVALID_INPUT), the server refused the connection or credentials (EMAIL_SMTP_CONNECTION_FAILED), or disabling the provider email verification needs (EMAIL_PROVIDER_NOT_CONFIGURED)',
  })
  @Put()
  save(@Body() body: UpsertSmtpConfigRequest, @AdminChangeOf() change: AdminChange): Promise<SmtpConfigResponse> {
    return this.smtp.save(body, change);
  }
}
