import { Injectable, Logger } from '@nestjs/common';
import type { UserDeletedEvent, UserRegisteredEvent } from '@app/contracts';
import { checkSize, isPlainObject, mergeProfile, type ProfilePatch } from './profile-rules.js';
import { ProfileEvents } from './profile-events.js';
import { ProfilesRepository, type StoredProfile } from './profiles.repository.js';
import { userNotFound } from './profiles.errors.js';

export type RegisteredOutcome = 'created' | 'exists' | 'deleted';

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
  async update(userId: string, patch: ProfilePatch, requestId?: string): Promise<StoredProfile> {
    const saved = await this.repo.transaction(async (m) => {
      await this.repo.lockUser(m, userId);
      const current = await this.repo.find(userId, m);
      if (!current && (await this.repo.isDeleted(m, userId))) throw userNotFound();
      const next = mergeProfile(current?.profile ?? {}, patch);
      // Each patch is within limits; the merged profile must be too, or profiles grow without bound.
      checkSize(next);
      const stored = current ? await this.repo.replace(m, userId, next) : await this.repo.insert(m, userId, next);
      if (!stored) throw new Error(`profile ${userId} appeared inside its own lock`);
      await this.events.profileUpdated(m, stored, requestId);
      return stored;
    });
    this.events.flush();
    return saved;
  }

  /** Idempotent: an existing profile (a redelivery, or an owner's PATCH that came first) is kept. */
  async onUserRegistered(event: UserRegisteredEvent): Promise<RegisteredOutcome> {
    const outcome = await this.repo.transaction(async (m): Promise<RegisteredOutcome> => {
      await this.repo.lockUser(m, event.userId);
      if (await this.repo.isDeleted(m, event.userId)) return 'deleted';
      const profile = isPlainObject(event.profile) ? event.profile : {};
      return (await this.repo.insert(m, event.userId, profile)) ? 'created' : 'exists';
    });
    this.logger.log({ userId: event.userId, outcome, requestId: event.requestId }, 'user.registered');
    return outcome;
  }

  /** Idempotent: deletes the profile and remembers the user so nothing recreates it. */
  async onUserDeleted(event: UserDeletedEvent): Promise<void> {
    await this.repo.transaction(async (m) => {
      await this.repo.lockUser(m, event.userId);
      await this.repo.deleteForever(m, event.userId);
    });
    this.logger.log({ userId: event.userId, requestId: event.requestId }, 'user.deleted');
  }
}
