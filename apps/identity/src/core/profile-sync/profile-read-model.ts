import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ProfileUpdatedEvent } from '@app/contracts';
import { CurrentUserCache } from '../users/current-user.cache.js';

/** identity's copy of each user's profile (`users.profile`), written only from profiles' events. */
@Injectable()
export class ProfileReadModel {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly currentUsers: CurrentUserCache,
  ) {}

  /**
   * Applies an event unless the copy is already at that version or newer, so duplicates and events
   * that arrive out of order change nothing. Returns whether the row changed.
   */
  async apply(event: Pick<ProfileUpdatedEvent, 'userId' | 'profile' | 'version'>): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, affected]: [unknown[], number] = await this.db.query(
      `UPDATE identity.users SET profile = $2::jsonb, profile_version = $3, updated_at = now()
       WHERE id = $1 AND profile_version < $3`,
      [event.userId, JSON.stringify(event.profile), event.version],
    );
    if (affected > 0) this.currentUsers.invalidateUsers([event.userId]);
    return affected > 0;
  }
}
