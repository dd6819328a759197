import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QUEUES } from '@app/contracts';
import { Outbox } from '@app/core';
import type { StoredProfile } from './profiles.repository.js';

/**
 * Records `profile.updated` for identity's read model in the caller's transaction (transactional
 * outbox): the event exists exactly when the change committed, and waits in Postgres while Redis
 * is away.
 */
@Injectable()
export class ProfileEvents {
  constructor(private readonly outbox: Outbox) {}

  profileUpdated(m: EntityManager, saved: StoredProfile, requestId?: string): Promise<string> {
    return this.outbox.add(m, QUEUES.IDENTITY_INBOX, 'profile.updated', () => ({
      userId: saved.userId,
      profile: saved.profile,
      version: saved.version,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
  }

  /** Call after the transaction commits. */
  flush(): void {
    this.outbox.kick();
  }
}
