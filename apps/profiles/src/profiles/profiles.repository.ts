import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ProfileData } from './profile-rules.js';

/** A profile as the service sees it; `version` grows by one on every change. */
export interface StoredProfile {
  userId: string;
  profile: ProfileData;
  version: number;
}

interface Row {
  user_id: string;
  profile: ProfileData;
  version: string;
}

const toStored = (r: Row): StoredProfile => ({ userId: r.user_id, profile: r.profile, version: Number(r.version) });

/** The only code that touches `profiles.profiles` and `profiles.deleted_users`. */
@Injectable()
export class ProfilesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** The public read path: one primary-key lookup. */
  async find(userId: string, m: Pick<EntityManager, 'query'> = this.db): Promise<StoredProfile | null> {
    const rows: Row[] = await m.query(`SELECT user_id, profile, version FROM profiles.profiles WHERE user_id = $1`, [userId]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /**
   * Serialises every write about one user (PATCH, user.registered, user.deleted) until the
   * transaction ends, so that a deletion and a creation can never interleave, even when no row
   * exists yet to lock. The two-key form keeps these locks apart from single-key ones.
   */
  async lockUser(m: EntityManager, userId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('profiles.user'), hashtext($1))`, [userId]);
  }

  async isDeleted(m: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM profiles.deleted_users WHERE user_id = $1`, [userId]);
    return rows.length > 0;
  }

  /** Creates the profile at version 1; null when it already exists. */
  async insert(m: EntityManager, userId: string, profile: ProfileData): Promise<StoredProfile | null> {
    const rows: Row[] = await m.query(
      `INSERT INTO profiles.profiles (user_id, profile) VALUES ($1, $2::jsonb)
       ON CONFLICT (user_id) DO NOTHING
       RETURNING user_id, profile, version`,
      [userId, JSON.stringify(profile)],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** Replaces the profile and bumps its version; returns what is stored (jsonb's key order). */
  async replace(m: EntityManager, userId: string, profile: ProfileData): Promise<StoredProfile> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [Row[], number] = await m.query(
      `UPDATE profiles.profiles SET profile = $2::jsonb, version = version + 1, updated_at = now()
       WHERE user_id = $1
       RETURNING user_id, profile, version`,
      [userId, JSON.stringify(profile)],
    );
    if (!rows[0]) throw new Error(`profile ${userId} vanished inside its own lock`);
    return toStored(rows[0]);
  }

  /** Deletes the profile and remembers the user, so that a late registration cannot bring it back. */
  async deleteForever(m: EntityManager, userId: string): Promise<void> {
    await m.query(`INSERT INTO profiles.deleted_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [userId]);
    await m.query(`DELETE FROM profiles.profiles WHERE user_id = $1`, [userId]);
  }
}
