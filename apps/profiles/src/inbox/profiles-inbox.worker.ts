import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Worker } from 'bullmq';
import { isUuid, type JobName, type JobPayload, QUEUES } from '@app/contracts';
import { startWorker } from '@app/core';
import { ProfilesConfig } from '../profiles.config.js';
import { ProfilesService } from '../profiles/profiles.service.js';

type Inbox = typeof QUEUES.PROFILES_INBOX;
/** One job of the inbox, discriminated by its name. */
export type InboxJob = { [N in JobName<Inbox>]: { name: N; data: JobPayload<Inbox, N> } }[JobName<Inbox>];

/** Jobs in hand at once: each is one short transaction on its own user. */
const CONCURRENCY = 10;

/**
 * Consumes identity's account events. Thin: checks the payload, hands it to the service, whose
 * handlers are idempotent (a redelivered job changes nothing); any failure is rethrown so BullMQ
 * retries with the producer's backoff. A malformed job fails at once, as retrying cannot fix it.
 */
@Injectable()
export class ProfilesInboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProfilesInboxWorker');
  private worker?: Worker;

  constructor(
    @Inject(ProfilesConfig) private readonly config: ProfilesConfig,
    private readonly profiles: ProfilesService,
  ) {}

  async handle(job: { name: string; data: unknown }): Promise<string> {
    const { userId } = (job.data ?? {}) as { userId?: unknown };
    if (!isUuid(userId)) throw new UnrecoverableError(`${job.name}: malformed payload (userId)`);
    const inbox = job as InboxJob;
    switch (inbox.name) {
      case 'user.registered':
        return this.profiles.onUserRegistered(inbox.data);
      case 'user.deleted':
        await this.profiles.onUserDeleted(inbox.data);
        return 'deleted';
      case 'user.sessions-revoked':
        if (!Array.isArray(inbox.data.sessionIds)) throw new UnrecoverableError(`${job.name}: malformed payload (sessionIds)`);
        await this.profiles.onSessionsRevoked(inbox.data);
        return 'revoked';
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }

  onApplicationBootstrap(): void {
    const worker = startWorker(QUEUES.PROFILES_INBOX, (job) => this.handle(job), this.config, this.logger, { concurrency: CONCURRENCY });
    worker.on('failed', (job, err) => {
      if (job) this.logger.warn({ jobId: job.id, job: job.name, attempt: job.attemptsMade, err: err.message }, 'inbox job failed');
    });
    this.worker = worker;
  }

  /**
   * SIGTERM: stop taking jobs and finish the ones in hand. This provider lives in the root module,
   * whose shutdown hooks run before TypeORM's, so the jobs still have their database.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
