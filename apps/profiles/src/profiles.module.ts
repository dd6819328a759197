import { type DynamicModule, Module } from '@nestjs/common';
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
  RedisModule,
  Sql,
} from '@app/core';
import { PROFILES_SCHEMA } from './database/profiles.schema.js';
import { ProfilesInboxWorker } from './inbox/profiles-inbox.worker.js';
import { ProfilesConfig } from './profiles.config.js';
import { ProfileEvents } from './profiles/profile-events.js';
import { ProfilesController } from './profiles/profiles.controller.js';
import { ProfilesRepository } from './profiles/profiles.repository.js';
import { ProfilesService } from './profiles/profiles.service.js';

@Module({})
export class ProfilesModule {
  static register(config: ProfilesConfig): DynamicModule {
    return {
      module: ProfilesModule,
      imports: [
        LoggingModule.forRoot({ app: 'profiles', level: config.LOG_LEVEL }),
        databaseModule(config, PROFILES_SCHEMA),
        RedisModule.forRoot(config),
        queueRootModule(config),
        queuesModule(QUEUES.IDENTITY_INBOX),
        HealthModule.forRoot({ database: true }),
        JwtAuthModule.forRoot({
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
          jwksUrl: config.JWKS_URL,
          jwksRefreshSeconds: config.JWKS_REFRESH_SECONDS,
        }),
      ],
      controllers: [ProfilesController],
      providers: [
        { provide: ProfilesConfig, useValue: config },
        { provide: OUTBOX_OPTIONS, useValue: { schema: PROFILES_SCHEMA.schema } },
        Sql,
        Outbox,
        ProfilesRepository,
        ProfileEvents,
        ProfilesService,
        ProfilesInboxWorker,
      ],
    };
  }
}
