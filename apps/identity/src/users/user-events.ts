import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QUEUES } from '@app/contracts';
import { Outbox } from '@app/core';

/** Account lifecycle events for the profiles app, recorded in the caller's transaction. */
@Injectable()
export class UserEvents {
  constructor(private readonly outbox: Outbox) {}

  registered(m: EntityManager, user: { id: string; email: string }, profile: Record<string, unknown>, requestId?: string): Promise<string> {
    return this.outbox.add(m, QUEUES.PROFILES_INBOX, 'user.registered', () => ({
      userId: user.id,
      email: user.email,
      profile,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
  }

  deleted(m: EntityManager, userId: string, requestId?: string): Promise<string> {
    return this.outbox.add(m, QUEUES.PROFILES_INBOX, 'user.deleted', () => ({ userId, requestId, occurredAt: new Date().toISOString() }));
  }

  flush(): void {
    this.outbox.kick();
  }
}
