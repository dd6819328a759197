import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CodesModule } from '../codes/codes.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserAdminService } from './user-admin.service.js';

/** What an admin does to users: list and search, read, delete, ban and unban (audited). */
@Module({
  imports: [UsersModule, SessionsModule, CodesModule, AuditModule],
  providers: [UserAdminService],
  exports: [UserAdminService],
})
export class UserAdminModule {}
