import { Injectable } from '@nestjs/common';
import type { ProfileUpdatedEvent } from '@app/contracts';
import { Sql } from '@app/core';
import { CurrentUserCache } from '../users/current-user.cache.js';

/** identity's copy of each user's profile (`users.profile`), written only from profiles' events. */
@Injectable()
export class ProfileReadModel {
  constructor(
    private readonly sql: Sql,
    private readonly currentUsers: CurrentUserCache,
  ) {}

  /**
   * Applies an event unless the copy is already at that version or newer, so duplicates and events
   * that arrive out of order change nothing. Returns whether the row changed.
   */
  async apply(event: Pick<ProfileUpdatedEvent, 'userId' | 'profile' | 'version'>): Promise<boolean> {
    const changed = await this.sql.query(
      'profile-read-model-apply',
      `UPDATE identity.users SET profile = $2::jsonb, profile_version = $3, updated_at = now()
       WHERE id = $1 AND profile_version < $3 RETURNING id`,
      [event.userId, JSON.stringify(event.profile), event.version],
    );
    // One statement, committed when it returns: forget the cached user now.
    if (changed.length) this.currentUsers.invalidateUsers([event.userId]);
    return changed.length > 0;
  }
}
