import { Module } from '@nestjs/common';
import { CredentialsModule } from '../../core/credentials/credentials.module.js';
import { UserAdminModule } from '../../core/user-admin/user-admin.module.js';
import { AdminRefreshCookie } from './admin-refresh-cookie.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AnonTokenController } from './anon-token.controller.js';
import { UsersAdminController } from './users-admin.controller.js';

/** The admin front door: admin sessions, the anon token, user management. */
@Module({
  imports: [CredentialsModule, UserAdminModule],
  controllers: [AdminSessionsController, AnonTokenController, UsersAdminController],
  providers: [AdminRefreshCookie],
})
export class AdminApiModule {}
