import { Module } from '@nestjs/common';
import { AuthConfigModule } from '../auth-config/auth-config.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { CodesModule } from '../codes/codes.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { EmailClaims } from './email-claims.service.js';
import { OAuthAccounts } from './oauth-accounts.service.js';
import { PasswordCheck } from './password-check.js';
import { RedirectCheck } from './redirect-check.js';
import { RefreshCookie } from './refresh-cookie.js';
import { SessionIssuer } from './session-issuer.js';

/**
 * The sign-in kernel every front door uses: the password check, the session result (tokens,
 * cookie, CSRF), the redirect allow-list, the claim of an email address and OAuth account resolution.
 */
@Module({
  imports: [AuditModule, UsersModule, PasswordsModule, SessionsModule, TokensModule, CodesModule, AuthConfigModule, OAuthModule],
  providers: [PasswordCheck, SessionIssuer, RedirectCheck, RefreshCookie, EmailClaims, OAuthAccounts],
  exports: [PasswordCheck, SessionIssuer, RedirectCheck, RefreshCookie, EmailClaims, OAuthAccounts],
})
export class SignInModule {}
