import { type DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { HealthModule, LoggingModule, queueRootModule, queuesModule, RedisModule } from '@app/core';
import { DeliveryMarkers } from './delivery/delivery-markers.js';
import { MailerConfig } from './mailer.config.js';
import { MailerMetrics } from './mailer.metrics.js';
import { SendEmailWorker } from './send-email.worker.js';
import { MailTransport } from './transport/mail-transport.js';

@Module({})
export class MailerModule {
  static register(config: MailerConfig): DynamicModule {
    return {
      module: MailerModule,
      imports: [
        LoggingModule.forRoot({ app: 'mailer', level: config.LOG_LEVEL }),
        RedisModule.forRoot(config),
        queueRootModule(config),
        queuesModule(QUEUES.EMAIL),
        HealthModule.forRoot({ database: false, redisRequired: true }),
      ],
      providers: [{ provide: MailerConfig, useValue: config }, MailTransport, DeliveryMarkers, MailerMetrics, SendEmailWorker],
    };
  }
}
