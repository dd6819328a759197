import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';
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
  constructor(private readonly sql: Sql) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.sql.transaction(work);
  }

  /** The public read path: one primary-key lookup. */
  async find(userId: string, q: Queryable = this.sql): Promise<StoredProfile | null> {
    const rows = await q.query<Row>('profile-find', `SELECT user_id, profile, version FROM profiles.profiles WHERE user_id = $1`, [userId]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /**
   * Serialises every write about one user (PATCH, user.registered, user.deleted) until the
   * transaction ends, so that a deletion and a creation can never interleave, even when no row
   * exists yet to lock. The two-key form keeps these locks apart from single-key ones.
   */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.query('', `SELECT pg_advisory_xact_lock(hashtext('profiles.user'), hashtext($1))`, [userId]);
  }

  async isDeleted(tx: Tx, userId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('', `SELECT 1 FROM profiles.deleted_users WHERE user_id = $1`, [userId]);
    return rows.length > 0;
  }

  /**
   * Creates the profile at version 1; null when it already exists. A profile created by its
   * owner's PATCH before `user.registered` is pending and remembers the keys the owner wrote.
   */
  async insert(
    tx: Tx,
    userId: string,
    profile: ProfileData,
    pending: { ownerKeys: string[] } | null = null,
  ): Promise<StoredProfile | null> {
    const rows: Row[] = await tx.query(
      '',
      `INSERT INTO profiles.profiles (user_id, profile, registered, owner_keys) VALUES ($1, $2::jsonb, $3, $4::text[])
       ON CONFLICT (user_id) DO NOTHING
       RETURNING user_id, profile, version`,
      [userId, JSON.stringify(profile), pending === null, pending?.ownerKeys ?? []],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /**
   * Replaces the profile and bumps its version; returns what is stored (jsonb's key order). While
   * the profile is pending, the keys the owner wrote are added to those it remembers.
   */
  async replace(tx: Tx, userId: string, profile: ProfileData, ownerKeys: string[] = []): Promise<StoredProfile> {
    const rows: Row[] = await tx.query(
      '',
      `UPDATE profiles.profiles SET profile = $2::jsonb, version = version + 1, updated_at = now(),
              owner_keys = CASE WHEN registered THEN owner_keys ELSE ARRAY(SELECT DISTINCT k FROM unnest(owner_keys || $3::text[]) k) END
       WHERE user_id = $1
       RETURNING user_id, profile, version`,
      [userId, JSON.stringify(profile), ownerKeys],
    );
    if (!rows[0]) throw new Error(`profile ${userId} vanished inside its own lock`);
    return toStored(rows[0]);
  }

  /** A profile its owner created before `user.registered` arrived, with the keys the owner wrote. */
  async findPending(tx: Tx, userId: string): Promise<(StoredProfile & { ownerKeys: string[] }) | null> {
    const rows: (Row & { owner_keys: string[] })[] = await tx.query(
      '',
      `SELECT user_id, profile, version, owner_keys FROM profiles.profiles WHERE user_id = $1 AND NOT registered`,
      [userId],
    );
    return rows[0] ? { ...toStored(rows[0]), ownerKeys: rows[0].owner_keys } : null;
  }

  /** Applies the late registration to a pending profile: the merged profile, a new version. */
  async completeRegistration(tx: Tx, userId: string, profile: ProfileData): Promise<StoredProfile> {
    const rows: Row[] = await tx.query(
      '',
      `UPDATE profiles.profiles SET profile = $2::jsonb, version = version + 1, updated_at = now(), registered = true, owner_keys = '{}'
       WHERE user_id = $1
       RETURNING user_id, profile, version`,
      [userId, JSON.stringify(profile)],
    );
    if (!rows[0]) throw new Error(`profile ${userId} vanished inside its own lock`);
    return toStored(rows[0]);
  }

  /** Remembers revoked sessions until their tokens expire, and forgets those whose tokens have. */
  async revokeSessions(tx: Tx, userId: string, sessionIds: string[], expiresAt: Date): Promise<void> {
    await tx.query('', `DELETE FROM profiles.revoked_sessions WHERE expires_at < now()`);
    await tx.query(
      '',
      `INSERT INTO profiles.revoked_sessions (session_id, user_id, expires_at) SELECT unnest($1::uuid[]), $2, $3
       ON CONFLICT (session_id) DO UPDATE SET expires_at = GREATEST(profiles.revoked_sessions.expires_at, EXCLUDED.expires_at)`,
      [sessionIds, userId, expiresAt],
    );
  }

  async isSessionRevoked(tx: Tx, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('', `SELECT 1 FROM profiles.revoked_sessions WHERE session_id = $1 AND expires_at > now()`, [
      sessionId,
    ]);
    return rows.length > 0;
  }

  /** Deletes the profile and remembers the user, so that a late registration cannot bring it back. */
  async deleteForever(tx: Tx, userId: string): Promise<void> {
    await tx.query('', `INSERT INTO profiles.deleted_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [userId]);
    await tx.query('', `DELETE FROM profiles.profiles WHERE user_id = $1`, [userId]);
  }
}
