import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtAuthModule } from '@app/auth';
import { QUEUES } from '@app/contracts';
import {
  databaseModule,
  HealthModule,
  LoggingModule,
  Outbox,
  OUTBOX_OPTIONS,
  queueRootModule,
  queuesModule,
  RATE_LIMIT_RULES,
  RateLimits,
  RedisModule,
  Sql,
} from '@app/core';
import { UsersAdminController } from './api/admin/users-admin.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { RefreshCookie } from './auth/refresh-cookie.js';
import { AdminRefreshCookie } from './api/admin/admin-refresh-cookie.js';
import { AdminSessionsController } from './api/admin/admin-sessions.controller.js';
import { AnonTokenController } from './api/admin/anon-token.controller.js';
import { AdminGuard, AdminTokenGuard } from './core/credentials/admin.guard.js';
import { AdminSessionsRepository } from './core/credentials/admin-sessions.repository.js';
import { AdminSessions } from './core/credentials/admin-sessions.service.js';
import { AdminTokens } from './core/credentials/admin-tokens.js';
import { AnonKeys } from './core/credentials/anon-keys.service.js';
import { ApiKeys } from './core/credentials/api-keys.service.js';
import { KeysRepository } from './core/credentials/keys.repository.js';
import { GorbTokenGuard } from './gorb/gorb-token.guard.js';
import { GorbController } from './gorb/gorb.controller.js';
import { GorbService } from './gorb/gorb.service.js';
import { PasswordHasher } from './passwords/password-hasher.js';
import { PROFILE_SYNC_PROVIDERS } from './profile-sync/index.js';
import { RATE_LIMIT_RULES as IDENTITY_RATE_LIMITS } from './rate-limit/rules.js';
import { LiveSessionGuard } from './sessions/live-session.guard.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionsService } from './sessions/sessions.service.js';
import { UserEvents } from './users/user-events.js';
import { CurrentUserCache } from './users/current-user.cache.js';
import { EmailClaims } from './users/email-claims.service.js';
import { ProfileHandoff } from './users/profile-handoff.js';
import { UsersRepository } from './users/users.repository.js';
import { AuthConfigRepository } from './auth-config/auth-config.repository.js';
import { AuthConfigService } from './auth-config/auth-config.service.js';
import { PublicConfigController } from './auth-config/public-config.controller.js';
import { Clock, SystemClock } from './common/clock.js';
import { AuditLog } from './core/audit/audit-log.js';
import { AuditRepository } from './core/audit/audit.repository.js';
import { OAuthConfigsAdmin } from './core/oauth/oauth-configs.admin.js';
import { OAuthConfigsRepository } from './core/oauth/oauth-configs.repository.js';
import { OAuthProviderConfigs } from './core/oauth/oauth-configs.service.js';
import { UserAdminService } from './core/users/user-admin.service.js';
import { UserBans } from './core/users/user-bans.js';
import { UserDirectoryRepository } from './core/users/user-directory.repository.js';
import { IDENTITY_SCHEMA } from './database/identity.schema.js';
import { CodesRepository } from './email/codes.repository.js';
import { CodesService } from './email/codes.service.js';
import { EmailController } from './email/email.controller.js';
import { EmailFlowsService } from './email/email-flows.service.js';
import { EmailTasksWorker } from './email/email-tasks.worker.js';
import { EmailService } from './email/email.service.js';
import { MailIntents } from './email/mail-intents.js';
import { IdentityConfig } from './identity.config.js';
import { OAuthController } from './api/oauth/oauth.controller.js';
import { OAuthFlows } from './api/oauth/oauth-flows.service.js';
import { ProviderSettings } from './core/oauth/provider-settings.js';
import { ExchangeCodes } from './core/oauth/exchange-codes.js';
import { OAuthAccounts } from './core/oauth/oauth-accounts.service.js';
import { OAuthIdentitiesRepository } from './core/oauth/oauth-identities.repository.js';
import { OAuthStates } from './core/oauth/oauth-states.js';
import { ProviderConfigSource } from './core/oauth/provider-configs.js';
import { ProviderClient } from './core/oauth/providers/provider-client.js';
import { AccessTokens } from './tokens/access-tokens.service.js';
import { JwksController } from './tokens/jwks.controller.js';
import { SigningKeys } from './tokens/signing-keys.service.js';

/** Signing keys live in their own module so the access-token guard can resolve them. */
@Module({})
class KeysModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: KeysModule,
      providers: [{ provide: IdentityConfig, useValue: config }, SigningKeys],
      exports: [SigningKeys],
    };
  }
}

/** Just the database and the keys: what `main.js keys:*` needs (no HTTP, no queue workers). */
@Module({})
export class KeysCliModule {
  static register(config: IdentityConfig): DynamicModule {
    return { module: KeysCliModule, imports: [databaseModule(config, IDENTITY_SCHEMA), KeysModule.register(config)] };
  }
}

@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    const keys = KeysModule.register(config);
    return {
      module: IdentityModule,
      imports: [
        LoggingModule.forRoot({ app: 'identity', level: config.LOG_LEVEL }),
        databaseModule(config, IDENTITY_SCHEMA),
        TypeOrmModule.forFeature(IDENTITY_SCHEMA.entities as never),
        RedisModule.forRoot(config),
        queueRootModule(config),
        queuesModule(QUEUES.EMAIL, QUEUES.PROFILES_INBOX, QUEUES.IDENTITY_TASKS),
        HealthModule.forRoot({ database: true }),
        keys,
        JwtAuthModule.forRoot({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, keyResolver: SigningKeys, imports: [keys] }),
      ],
      controllers: [
        PublicConfigController,
        AuthController,
        SessionsController,
        EmailController,
        JwksController,
        GorbController,
        OAuthController,
        AdminSessionsController,
        AnonTokenController,
        UsersAdminController,
      ],
      providers: [
        { provide: IdentityConfig, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: OUTBOX_OPTIONS, useValue: { schema: IDENTITY_SCHEMA.schema } },
        Outbox,
        AuthConfigRepository,
        AuthConfigService,
        OAuthConfigsRepository,
        OAuthProviderConfigs,
        OAuthConfigsAdmin,
        CodesRepository,
        CodesService,
        MailIntents,
        EmailService,
        AccessTokens,
        { provide: RATE_LIMIT_RULES, useValue: { rules: IDENTITY_RATE_LIMITS, multiplier: config.RATE_LIMIT_MULTIPLIER } },
        RateLimits,
        Sql,
        AuditRepository,
        AuditLog,
        UsersRepository,
        UserBans,
        UserDirectoryRepository,
        UserAdminService,
        CurrentUserCache,
        EmailClaims,
        ProfileHandoff,
        UserEvents,
        PasswordHasher,
        SessionsRepository,
        SessionsService,
        LiveSessionGuard,
        RefreshCookie,
        AuthService,
        GorbTokenGuard,
        GorbService,
        EmailFlowsService,
        EmailTasksWorker,
        { provide: ProviderConfigSource, useClass: ProviderSettings },
        ProviderClient,
        OAuthStates,
        ExchangeCodes,
        OAuthIdentitiesRepository,
        OAuthAccounts,
        OAuthFlows,
        KeysRepository,
        ApiKeys,
        AnonKeys,
        AdminSessionsRepository,
        AdminTokens,
        AdminSessions,
        AdminGuard,
        AdminTokenGuard,
        AdminRefreshCookie,
        // Workers sit in the root module so they stop before TypeORM closes the database.
        ...PROFILE_SYNC_PROVIDERS,
      ],
    };
  }
}
