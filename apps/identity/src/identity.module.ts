import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtAuthModule } from '@app/auth';
import { QUEUES } from '@app/contracts';
import {
  databaseModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  Outbox,
  OUTBOX_OPTIONS,
  queueRootModule,
  queuesModule,
  RedisModule,
} from '@app/core';
import { AuthConfigRepository } from './auth-config/auth-config.repository.js';
import { AuthConfigService } from './auth-config/auth-config.service.js';
import { PublicConfigController } from './auth-config/public-config.controller.js';
import { Clock, SystemClock } from './common/clock.js';
import { IDENTITY_SCHEMA } from './database/identity.schema.js';
import { CodesRepository } from './email/codes.repository.js';
import { CodesService } from './email/codes.service.js';
import { EmailController } from './email/email.controller.js';
import { EmailService } from './email/email.service.js';
import { MailIntents } from './email/mail-intents.js';
import { IdentityConfig } from './identity.config.js';
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
        queuesModule(QUEUES.EMAIL, QUEUES.PROFILES_INBOX),
        HealthModule.forRoot({ database: true }),
        MetricsModule,
        keys,
        JwtAuthModule.forRoot({ issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, keyResolver: SigningKeys, imports: [keys] }),
      ],
      controllers: [PublicConfigController, EmailController, JwksController],
      providers: [
        { provide: IdentityConfig, useValue: config },
        { provide: Clock, useClass: SystemClock },
        { provide: OUTBOX_OPTIONS, useValue: { schema: IDENTITY_SCHEMA.schema } },
        Outbox,
        AuthConfigRepository,
        AuthConfigService,
        CodesRepository,
        CodesService,
        MailIntents,
        EmailService,
        AccessTokens,
      ],
    };
  }
}
