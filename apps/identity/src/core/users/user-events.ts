import { Inject, Injectable } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { Outbox, type Tx } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { ProfileHandoff } from './profile-handoff.js';

/** Account lifecycle events for the profiles app, recorded in the caller's transaction. */
@Injectable()
export class UserEvents {
  constructor(
    private readonly outbox: Outbox,
    private readonly handoff: ProfileHandoff,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  async registered(tx: Tx, user: { id: string; email: string }, profile: Record<string, unknown>, requestId?: string): Promise<string> {
    const id = await this.outbox.add(tx, QUEUES.PROFILES_INBOX, 'user.registered', () => ({
      userId: user.id,
      email: user.email,
      profile,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
    this.handoff.expect(id);
    return id;
  }

  /**
   * Sessions revoked (an account claim, a password reset, a logout, a revoke, a reused refresh
   * token): profiles refuses their still valid access tokens until those expire.
   */
  async sessionsRevoked(tx: Tx, userId: string, sessionIds: string[], requestId?: string): Promise<string> {
    const tokensExpireBy = new Date(Date.now() + this.config.JWT_ACCESS_TTL_SECONDS * 1000).toISOString();
    const id = await this.outbox.add(tx, QUEUES.PROFILES_INBOX, 'user.sessions-revoked', () => ({
      userId,
      sessionIds,
      tokensExpireBy,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
    this.handoff.expect(id);
    return id;
  }

  async deleted(tx: Tx, userId: string, requestId?: string): Promise<string> {
    const id = await this.outbox.add(tx, QUEUES.PROFILES_INBOX, 'user.deleted', () => ({
      userId,
      requestId,
      occurredAt: new Date().toISOString(),
    }));
    this.handoff.expect(id);
    return id;
  }

  /**
   * After the commit that recorded a `user.registered` (its id from `registered()`; the outbox
   * relays it after the commit): waits, bounded, until profiles has the profile, so the client's
   * next read finds it.
   */
  async registeredDelivered(eventId: string): Promise<void> {
    await this.handoff.deliver(eventId);
  }

  /** After the commit that recorded a `user.sessions-revoked`: waits, bounded, until profiles applied it. */
  async revocationDelivered(eventId: string): Promise<void> {
    await this.handoff.deliver(eventId);
  }

  /** After the commit that recorded a `user.deleted`: relays it and waits, bounded, until profiles removed the profile. */
  async deletedDelivered(eventId: string): Promise<void> {
    await this.handoff.deliver(eventId);
  }
}
