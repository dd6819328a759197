import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthConfigAdmin } from './auth-config.admin.js';
import { AuthConfigRepository } from './auth-config.repository.js';
import { EmailTemplates } from './email-templates.service.js';
import { MailProvider } from './mail-provider.js';
import { MailSettingsRepository } from './mail-settings.repository.js';
import { SmtpSettings } from './smtp-settings.service.js';

/**
 * What admins change live: the auth policy, the saved SMTP server and the mail templates (audited),
 * and the snapshot of the mail settings each recorded mail carries to the mailer.
 */
@Module({
  imports: [AuditModule],
  providers: [AuthConfigRepository, MailSettingsRepository, MailProvider, AuthConfigAdmin, SmtpSettings, EmailTemplates],
  exports: [MailSettingsRepository, AuthConfigAdmin, SmtpSettings, EmailTemplates],
})
export class MailSettingsModule {}
