import { Module } from '@nestjs/common';
import { AuditModule } from '../../core/audit/audit.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { MailSettingsModule } from '../../core/auth-config/mail-settings.module.js';
import { CredentialsModule } from '../../core/credentials/credentials.module.js';
import { UserAdminModule } from '../../core/user-admin/user-admin.module.js';
import { AdminRefreshCookie } from './admin-refresh-cookie.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AnonTokenController } from './anon-token.controller.js';
import { AuditAdminController } from './audit-admin.controller.js';
import { ConfigAdminController } from './config-admin.controller.js';
import { EmailTemplatesController } from './email-templates.controller.js';
import { MetadataController } from './metadata.controller.js';
import { SecretsController } from './secrets.controller.js';
import { SmtpConfigController } from './smtp-config.controller.js';
import { UsersAdminController } from './users-admin.controller.js';

/** The admin front door: admin sessions, the anon token, metadata and key rotation, user management, live auth and mail settings, the audit log. */
@Module({
  imports: [CredentialsModule, UserAdminModule, AuthConfigModule, MailSettingsModule, AuditModule],
  controllers: [
    AdminSessionsController,
    AnonTokenController,
    UsersAdminController,
    MetadataController,
    SecretsController,
    ConfigAdminController,
    SmtpConfigController,
    EmailTemplatesController,
    AuditAdminController,
  ],
  providers: [AdminRefreshCookie],
})
export class AdminApiModule {}
