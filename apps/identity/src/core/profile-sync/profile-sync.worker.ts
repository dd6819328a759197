import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, type Worker } from 'bullmq';
import { isUuid, type ProfileUpdatedEvent, QUEUES } from '@app/contracts';
import { startWorker } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { ProfileReadModel } from './profile-read-model.js';

export type SyncResult = 'applied' | 'stale';

/** Jobs in hand at once: each is one guarded UPDATE. */
const CONCURRENCY = 10;

/** Events whose payload cannot be right fail at once: retrying cannot fix them. */
function checkEvent(data: unknown): ProfileUpdatedEvent {
  const e = (data ?? {}) as Partial<ProfileUpdatedEvent>;
  if (!isUuid(e.userId)) throw new UnrecoverableError('profile.updated: malformed userId');
  if (!Number.isSafeInteger(e.version) || e.version! < 1) throw new UnrecoverableError('profile.updated: malformed version');
  if (typeof e.profile !== 'object' || e.profile === null || Array.isArray(e.profile)) {
    throw new UnrecoverableError('profile.updated: malformed profile');
  }
  return e as ProfileUpdatedEvent;
}

/**
 * Keeps identity's read model of profiles current from `profile.updated` (queue identity-inbox).
 * Thin and idempotent: the version guard in the read model drops duplicates and stale events; any
 * failure is rethrown so BullMQ retries with the producer's backoff. An event for a user identity no
 * longer has matches no row and is done.
 */
@Injectable()
export class ProfileSyncWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProfileSyncWorker');
  private worker?: Worker;

  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly readModel: ProfileReadModel,
  ) {}

  async handle(job: { name: string; data: unknown }): Promise<SyncResult> {
    if (job.name !== 'profile.updated') throw new UnrecoverableError(`unknown job ${job.name}`);
    const event = checkEvent(job.data);
    const applied = await this.readModel.apply(event);
    this.logger.debug({ userId: event.userId, version: event.version, applied, requestId: event.requestId }, 'profile.updated');
    return applied ? 'applied' : 'stale';
  }

  onApplicationBootstrap(): void {
    const worker = startWorker(QUEUES.IDENTITY_INBOX, (job) => this.handle(job), this.config, this.logger, { concurrency: CONCURRENCY });
    worker.on('failed', (job, err) => {
      if (job) this.logger.warn({ jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'profile.updated failed');
    });
    this.worker = worker;
  }

  /**
   * SIGTERM: stop taking jobs and finish the ones in hand. Listed in the root module's providers,
   * whose shutdown hooks run before TypeORM closes the DataSource.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
