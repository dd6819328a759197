import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Worker } from 'bullmq';
import { type EmailRequestedTask, QUEUES } from '@app/contracts';
import { startWorker } from '@app/core';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { EmailFlowsService } from './email-flows.service.js';

/**
 * identity's own task queue: the account lookups that send-verification and send-reset-password
 * only recorded. Thin and idempotent enough (a retry re-issues the code, replacing the first);
 * failures rethrow so BullMQ retries with backoff.
 */
@Injectable()
export class EmailTasksWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EmailTasksWorker');
  private worker?: Worker<EmailRequestedTask>;

  constructor(
    private readonly flows: EmailFlowsService,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startWorker<EmailRequestedTask>(
      QUEUES.IDENTITY_TASKS,
      async (job) => {
        if (job.name === 'verification-requested') return this.flows.fulfilVerification(job.data);
        if (job.name === 'reset-requested') return this.flows.fulfilReset(job.data);
        this.logger.warn(`unknown task ${job.name}`);
      },
      this.config,
      this.logger,
      { concurrency: 4 },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
