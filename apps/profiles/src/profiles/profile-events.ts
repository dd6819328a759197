import { Injectable } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { Outbox, type Tx } from '@app/core';
import type { StoredProfile } from './profiles.repository.js';

/**
 * Records `profile.updated` for identity's read model in the caller's transaction (transactional
 * outbox): the event exists exactly when the change committed, and waits in Postgres while Redis
 * is away. The outbox nudges its relay after the commit.
 */
@Injectable()
export class ProfileEvents {
  constructor(private readonly outbox: Outbox) {}

  profileUpdated(tx: Tx, saved: StoredProfile, requestId?: string): Promise<string> {
    return this.outbox.add(tx, QUEUES.IDENTITY_INBOX, 'profile.updated', () => ({
      userId: saved.userId,
      profile: saved.profile,
      version: saved.version,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
  }
}
