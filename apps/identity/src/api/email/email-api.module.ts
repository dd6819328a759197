import { Module } from '@nestjs/common';
import { AuditModule } from '../../core/audit/audit.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { CodesModule } from '../../core/codes/codes.module.js';
import { DataModule } from '../../core/data/data.module.js';
import { PasswordsModule } from '../../core/passwords/passwords.module.js';
import { SessionsModule } from '../../core/sessions/sessions.module.js';
import { SignInModule } from '../../core/sign-in/sign-in.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { EmailFlowsService } from './email-flows.service.js';
import { EmailTasksWorker } from './email-tasks.worker.js';
import { EmailController } from './email.controller.js';

/**
 * The email front door: /api/auth/email/* (codes, links, verification, reset) and the worker
 * that fulfils the send requests. Its worker stops before the modules it imports.
 */
@Module({
  imports: [AuditModule, SignInModule, UsersModule, PasswordsModule, SessionsModule, AuthConfigModule, CodesModule, DataModule],
  controllers: [EmailController],
  providers: [EmailFlowsService, EmailTasksWorker],
})
export class EmailApiModule {}
