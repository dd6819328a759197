import { Module } from '@nestjs/common';
import { OAuthModule } from '../../core/oauth/oauth.module.js';
import { SignInModule } from '../../core/sign-in/sign-in.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { AuthConfigModule } from '../../core/auth-config/auth-config.module.js';
import { AuditModule } from '../../core/audit/audit.module.js';
import { CredentialsModule } from '../../core/credentials/credentials.module.js';
import { CustomOAuthController } from './custom-oauth.controller.js';
import { CustomOAuthFlows } from './custom-oauth.flows.js';
import { IdTokenController } from './id-token.controller.js';
import { IdTokenSignIn } from './id-token.service.js';
import { IdTokenVerifier } from './id-token.verifier.js';
import { OAuthConfigController } from './oauth-config.controller.js';
import { OAuthFlows } from './oauth-flows.service.js';
import { OAuthController } from './oauth.controller.js';

/**
 * The OAuth front door: /api/auth/oauth/* (authorize, callback, exchange; custom OIDC providers;
 * the admin configuration of providers) and /api/auth/id-token (native ID tokens).
 */
@Module({
  imports: [SignInModule, OAuthModule, UsersModule, AuthConfigModule, CredentialsModule, AuditModule],
  controllers: [OAuthController, CustomOAuthController, OAuthConfigController, IdTokenController],
  providers: [OAuthFlows, CustomOAuthFlows, IdTokenSignIn, { provide: IdTokenVerifier, useFactory: () => new IdTokenVerifier() }],
})
export class OAuthApiModule {}
