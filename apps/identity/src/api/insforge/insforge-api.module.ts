import { Module } from '@nestjs/common';
import { AuditModule } from '../../core/audit/audit.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { CodesModule } from '../../core/codes/codes.module.js';
import { CredentialsModule } from '../../core/credentials/credentials.module.js';
import { PasswordsModule } from '../../core/passwords/passwords.module.js';
import { SessionsModule } from '../../core/sessions/sessions.module.js';
import { SignInModule } from '../../core/sign-in/sign-in.module.js';
import { TokensModule } from '../../core/tokens/tokens.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwksController } from './jwks.controller.js';
import { PublicConfigController } from './public-config.controller.js';
import { SessionsController } from './sessions.controller.js';

/** The InsForge front door: /api/auth (accounts, sessions, public config) and the JWKS. */
@Module({
  imports: [
    AuditModule,
    SignInModule,
    UsersModule,
    PasswordsModule,
    SessionsModule,
    TokensModule,
    AuthConfigModule,
    CodesModule,
    CredentialsModule,
  ],
  controllers: [PublicConfigController, AuthController, SessionsController, JwksController],
  providers: [AuthService],
})
export class InsforgeApiModule {}
