import { Module } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { Outbox, queuesModule } from '@app/core';

/**
 * The outbox and the queues it relays to. Every module that writes events imports this one, so
 * Nest stops them first: a worker or flow finishes, then the outbox relay, then the queues, and
 * the database (a global module) closes last. OUTBOX_OPTIONS comes from IdentityModule.
 */
@Module({
  imports: [queuesModule(QUEUES.EMAIL, QUEUES.PROFILES_INBOX, QUEUES.IDENTITY_TASKS)],
  providers: [Outbox],
  exports: [Outbox],
})
export class DataModule {}
