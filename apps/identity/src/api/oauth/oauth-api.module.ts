import { Module } from '@nestjs/common';
import { OAuthModule } from '../../core/oauth/oauth.module.js';
import { SignInModule } from '../../core/sign-in/sign-in.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { OAuthFlows } from './oauth-flows.service.js';
import { OAuthController } from './oauth.controller.js';

/** The OAuth sign-in front door: /api/auth/oauth/* (authorize, callback, exchange). */
@Module({
  imports: [SignInModule, OAuthModule, UsersModule, AuthConfigModule],
  controllers: [OAuthController],
  providers: [OAuthFlows],
})
export class OAuthApiModule {}
