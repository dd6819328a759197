import { type DynamicModule, Module } from '@nestjs/common';
import { JwtAuthModule } from '@app/auth';
import {
  databaseModule,
  HealthModule,
  LoggingModule,
  OUTBOX_OPTIONS,
  queueRootModule,
  RATE_LIMIT_RULES,
  RateLimits,
  RedisModule,
  Sql,
} from '@app/core';
import { AdminApiModule } from './api/admin/admin-api.module.js';
import { EmailApiModule } from './api/email/email-api.module.js';
import { GorbApiModule } from './api/gorb/gorb-api.module.js';
import { InsforgeApiModule } from './api/insforge/insforge-api.module.js';
import { OAuthApiModule } from './api/oauth/oauth-api.module.js';
import { AuditModule } from './core/audit/audit.module.js';
import { Clock, SystemClock } from './core/common/clock.js';
import { IdentityConfig } from './core/config/identity.config.js';
import { ProfileSyncModule } from './core/profile-sync/profile-sync.module.js';
import { RATE_LIMIT_RULES as IDENTITY_RATE_LIMITS } from './core/rate-limit/rules.js';
import { SigningKeys } from './core/tokens/signing-keys.service.js';
import { KeysModule } from './core/tokens/keys.module.js';
import { IDENTITY_SCHEMA } from './database/identity.schema.js';

/** The configuration, the clock and SQL on the database: what every identity module uses (the key CLI too). */
@Module({})
class IdentityConfigModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityConfigModule,
      global: true,
      providers: [{ provide: IdentityConfig, useValue: config }, { provide: Clock, useClass: SystemClock }, Sql],
      exports: [IdentityConfig, Clock, Sql],
    };
  }
}

/** Stateless plumbing over the global Redis: rate limits; and where the outbox's table is. */
@Module({})
class IdentityPlumbingModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityPlumbingModule,
      global: true,
      providers: [
        { provide: OUTBOX_OPTIONS, useValue: { schema: IDENTITY_SCHEMA.schema } },
        { provide: RATE_LIMIT_RULES, useValue: { rules: IDENTITY_RATE_LIMITS, multiplier: config.RATE_LIMIT_MULTIPLIER } },
        RateLimits,
      ],
      exports: [OUTBOX_OPTIONS, RateLimits],
    };
  }
}

/** Just the database and the keys: what `main.js keys:*` needs (no HTTP, no queue workers). */
@Module({})
export class KeysCliModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: KeysCliModule,
      imports: [IdentityConfigModule.register(config), databaseModule(config, IDENTITY_SCHEMA), KeysModule],
    };
  }
}

/**
 * identity: front doors (api/*) over the domain core (core/*). Nest stops a module before the
 * modules it imports, and global modules (the database, Redis) last: the workers (email tasks,
 * profile sync) and the outbox relay finish before the queues and the database close.
 */
@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    // Global: the access-token guard, the JwtService and verifier AccessTokens use, VerifiedTokens.
    const jwt: DynamicModule = {
      ...JwtAuthModule.forRoot({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        keyResolver: SigningKeys,
        imports: [KeysModule],
      }),
      global: true,
    };
    return {
      module: IdentityModule,
      imports: [
        LoggingModule.forRoot({ app: 'identity', level: config.LOG_LEVEL }),
        IdentityConfigModule.register(config),
        databaseModule(config, IDENTITY_SCHEMA),
        RedisModule.forRoot(config),
        queueRootModule(config),
        IdentityPlumbingModule.register(config),
        HealthModule.forRoot({ database: true }),
        jwt,
        InsforgeApiModule,
        GorbApiModule,
        EmailApiModule,
        OAuthApiModule,
        AdminApiModule,
        ProfileSyncModule,
        AuditModule,
      ],
    };
  }
}
