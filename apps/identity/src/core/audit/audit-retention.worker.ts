import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { type AuditRetentionTask, QUEUES } from '@app/contracts';
import { startWorker } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { AuditRepository } from './audit.repository.js';

/** Rows per DELETE: each batch is one short statement, so the table is never locked for long. */
export const AUDIT_RETENTION_BATCH = 1000;
/** Batches per run: a backlog (a lowered AUDIT_RETENTION_DAYS) drains over several runs. */
export const AUDIT_RETENTION_MAX_BATCHES = 100;
const EVERY_MS = 3600_000;
const RETRY_SCHEDULE_MS = 60_000;
const SCHEDULER_ID = 'audit-retention';

/**
 * The audit log's retention: an hourly BullMQ job scheduler (one schedule for all replicas; a
 * replica that boots while Redis is away schedules it once Redis is back) whose job deletes events
 * older than AUDIT_RETENTION_DAYS, oldest first, in bounded batches. The only deletion the audit
 * log knows; the table itself refuses to lose rows younger than a day.
 */
@Injectable()
export class AuditRetentionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private worker?: Worker<AuditRetentionTask>;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly repo: AuditRepository,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    @InjectQueue(QUEUES.IDENTITY_MAINTENANCE) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = startWorker<AuditRetentionTask>(
      QUEUES.IDENTITY_MAINTENANCE,
      async (job) => {
        if (job.name === 'audit.retention') return this.run();
        this.logger.warn(`unknown task ${job.name}`);
      },
      this.config,
      this.logger,
      { concurrency: 1 },
    );
    void this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    await this.worker?.close();
  }

  /** Deletes expired events; returns how many. */
  async run(): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < AUDIT_RETENTION_MAX_BATCHES; i++) {
      const n = await this.repo.deleteOlderThan(this.config.AUDIT_RETENTION_DAYS, AUDIT_RETENTION_BATCH);
      deleted += n;
      if (n < AUDIT_RETENTION_BATCH) break;
    }
    if (deleted) this.logger.log({ deleted, retentionDays: this.config.AUDIT_RETENTION_DAYS }, 'audit events past retention deleted');
    return deleted;
  }

  private async schedule(): Promise<void> {
    try {
      await this.queue.upsertJobScheduler(
        SCHEDULER_ID,
        { every: EVERY_MS },
        { name: 'audit.retention', data: { occurredAt: new Date().toISOString() }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    } catch (err) {
      this.logger.warn(`audit retention not scheduled yet: ${(err as Error).message}`);
      this.retry = setTimeout(() => void this.schedule(), RETRY_SCHEDULE_MS);
      this.retry.unref();
    }
  }
}
