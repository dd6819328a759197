import { Module } from '@nestjs/common';
import { AuditModule } from '../../core/audit/audit.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { PasswordsModule } from '../../core/passwords/passwords.module.js';
import { SessionsModule } from '../../core/sessions/sessions.module.js';
import { SignInModule } from '../../core/sign-in/sign-in.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { GorbTokenGuard } from './gorb-token.guard.js';
import { GorbController } from './gorb.controller.js';
import { GorbService } from './gorb.service.js';

/** The Gorb front door: /v1 (login, register, refresh, devices, revoke, logout). */
@Module({
  imports: [AuditModule, SignInModule, UsersModule, PasswordsModule, SessionsModule, AuthConfigModule],
  controllers: [GorbController],
  providers: [GorbService, GorbTokenGuard],
})
export class GorbApiModule {}
