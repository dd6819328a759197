import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { LiveSessionGuard } from './live-session.guard.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** Sessions and their refresh tokens (InsForge's and Gorb's alike), and the live-session guard. */
@Module({
  imports: [AuditModule, UsersModule],
  providers: [SessionsRepository, SessionsService, LiveSessionGuard],
  exports: [SessionsRepository, SessionsService, LiveSessionGuard],
})
export class SessionsModule {}
