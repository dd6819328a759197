import { Injectable, Logger } from '@nestjs/common';
import { isUuid, type SessionsRevokedEvent, type UserDeletedEvent, type UserRegisteredEvent } from '@app/contracts';
import { checkSize, isPlainObject, mergeProfile, mergeSignUpFields, type ProfilePatch } from './profile-rules.js';
import { ProfileEvents } from './profile-events.js';
import { ProfilesRepository, type StoredProfile } from './profiles.repository.js';
import { revokedSession, userNotFound } from './profiles.errors.js';

export type RegisteredOutcome = 'created' | 'merged' | 'exists' | 'deleted';

/** The rules of the profiles context: public reads, owner writes, and identity's lifecycle events. */
@Injectable()
export class ProfilesService {
  private readonly logger = new Logger('ProfilesService');

  constructor(
    private readonly repo: ProfilesRepository,
    private readonly events: ProfileEvents,
  ) {}

  async get(userId: string): Promise<StoredProfile> {
    const found = await this.repo.find(userId);
    if (!found) throw userNotFound();
    return found;
  }

  /**
   * Shallow-merges the owner's patch (a `null` value removes its key), bumps the version and records
   * `profile.updated` in the same transaction. A user whose `user.registered` has not arrived yet gets
   * the profile created here; a deleted user gets 404.
   */
  async update(userId: string, patch: ProfilePatch, requestId?: string, sessionId?: string): Promise<StoredProfile> {
    const saved = await this.repo.transaction(async (tx) => {
      await this.repo.lockUser(tx, userId);
      // Under the user's lock, so a revocation applied a moment ago is seen.
      if (sessionId && (await this.repo.isSessionRevoked(tx, sessionId))) throw revokedSession();
      const current = await this.repo.find(userId, tx);
      if (!current && (await this.repo.isDeleted(tx, userId))) throw userNotFound();
      const next = mergeProfile(current?.profile ?? {}, patch);
      // Each patch is within limits; the merged profile must be too, or profiles grow without bound.
      checkSize(next);
      const ownerKeys = Object.keys(patch);
      const stored = current
        ? await this.repo.replace(tx, userId, next, ownerKeys)
        : await this.repo.insert(tx, userId, next, { ownerKeys });
      if (!stored) throw new Error(`profile ${userId} appeared inside its own lock`);
      await this.events.profileUpdated(tx, stored, requestId);
      return stored;
    });
    return saved;
  }

  /**
   * Creates the profile from the sign-up fields. When the owner's PATCH came first (the profile is
   * pending), the sign-up fields are merged into the keys the owner has not written, once, with a
   * new version and a `profile.updated` for identity. Idempotent: a redelivery changes nothing.
   */
  async onUserRegistered(event: UserRegisteredEvent): Promise<RegisteredOutcome> {
    const outcome = await this.repo.transaction(async (tx): Promise<RegisteredOutcome> => {
      await this.repo.lockUser(tx, event.userId);
      if (await this.repo.isDeleted(tx, event.userId)) return 'deleted';
      const signUp = isPlainObject(event.profile) ? event.profile : {};
      const pending = await this.repo.findPending(tx, event.userId);
      if (pending) {
        const merged = await this.repo.completeRegistration(
          tx,
          event.userId,
          mergeSignUpFields(pending.profile, signUp, pending.ownerKeys),
        );
        await this.events.profileUpdated(tx, merged, event.requestId);
        return 'merged';
      }
      return (await this.repo.insert(tx, event.userId, signUp)) ? 'created' : 'exists';
    });
    this.logger.log({ userId: event.userId, outcome, requestId: event.requestId }, 'user.registered');
    return outcome;
  }

  /**
   * Idempotent: sessions identity revoked for a security reason write nothing from now on, until
   * their access tokens would have expired anyway.
   */
  async onSessionsRevoked(event: SessionsRevokedEvent): Promise<void> {
    const sessionIds = event.sessionIds.filter(isUuid);
    const until = new Date(event.tokensExpireBy);
    if (!sessionIds.length || !(until.getTime() > Date.now())) return;
    await this.repo.transaction(async (tx) => {
      await this.repo.lockUser(tx, event.userId);
      await this.repo.revokeSessions(tx, event.userId, sessionIds, until);
    });
    this.logger.log({ userId: event.userId, sessions: sessionIds.length, requestId: event.requestId }, 'user.sessions-revoked');
  }

  /** Idempotent: deletes the profile and remembers the user so nothing recreates it. */
  async onUserDeleted(event: UserDeletedEvent): Promise<void> {
    await this.repo.transaction(async (tx) => {
      await this.repo.lockUser(tx, event.userId);
      await this.repo.deleteForever(tx, event.userId);
    });
    this.logger.log({ userId: event.userId, requestId: event.requestId }, 'user.deleted');
  }
}
