import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { UserRecord } from './users.repository.js';

/** A user as admin routes see it: the usual record plus the ban. */
export interface AdminUserRecord extends UserRecord {
  bannedAt: Date | null;
}

const SELECT_ADMIN_USER = `
  SELECT u.id, u.email, u.username, u.password_hash AS "passwordHash", u.email_verified AS "emailVerified",
         u.profile, u.metadata, u.created_at AS "createdAt", u.updated_at AS "updatedAt", u.banned_at AS "bannedAt",
         COALESCE((SELECT array_agg(DISTINCT p.provider ORDER BY p.provider) FROM identity.user_providers p WHERE p.user_id = u.id), '{}') AS providers
  FROM identity.users u`;

/**
 * A search term as a LIKE pattern that matches it as a substring and literally: `%`, `_` and the
 * escape character itself stand for themselves (a search for "%" must not list everyone).
 */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The search condition on identity's own columns: the email and the profile name of identity's
 * read model of profiles (never the profiles schema). Both have a trigram index (pg_trgm), which
 * serves ILIKE '%…%' for any term of three characters or more; ILIKE folds case.
 */
const SEARCH = `(u.email ILIKE $1 ESCAPE '\\' OR (u.profile ->> 'name') ILIKE $1 ESCAPE '\\')`;

/** The admin's view of identity.users: list and search, read one, lock, ban and delete. */
@Injectable()
export class UserDirectoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One page, newest first (ties by id, so pages never overlap), and how many match. Unnamed
   * statements on purpose: each is planned with its own pattern, so a selective term uses the
   * trigram indexes and no search walks users_created_idx.
   */
  async list(page: { limit: number; offset: number; search?: string }): Promise<{ users: AdminUserRecord[]; total: number }> {
    const params: unknown[] = page.search === undefined ? [] : [containsPattern(page.search)];
    const where = page.search === undefined ? '' : `WHERE ${SEARCH}`;
    const n = params.length;
    const [users, [{ total }]] = await Promise.all([
      this.db.query(`${SELECT_ADMIN_USER} ${where} ORDER BY u.created_at DESC, u.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [
        ...params,
        page.limit,
        page.offset,
      ]) as Promise<AdminUserRecord[]>,
      this.db.query(`SELECT count(*)::int AS total FROM identity.users u ${where}`, params) as Promise<{ total: number }[]>,
    ]);
    return { users, total };
  }

  async find(userId: string, m?: EntityManager): Promise<AdminUserRecord | null> {
    const rows: AdminUserRecord[] = await (m ?? this.db).query(`${SELECT_ADMIN_USER} WHERE u.id = $1`, [userId]);
    return rows[0] ?? null;
  }

  /**
   * Locks the users that exist among `ids` (in id order, so two deletions never deadlock on each
   * other) and returns them; sign-ins of these users wait for the caller's transaction.
   */
  async lockExisting(m: EntityManager, ids: string[]): Promise<{ id: string; email: string }[]> {
    return m.query(`SELECT id, email FROM identity.users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  }

  /**
   * Deletes the refresh tokens of these users' sessions. Done before their sessions are touched,
   * in the order a refresh takes its locks (the token, then its session), so a refresh in flight
   * finishes first instead of deadlocking with the deletion.
   */
  async deleteRefreshTokens(m: EntityManager, ids: string[]): Promise<void> {
    await m.query(
      `DELETE FROM identity.refresh_tokens WHERE session_id IN (SELECT id FROM identity.sessions WHERE user_id = ANY($1::uuid[]))`,
      [ids],
    );
  }

  /** Deletes the users; sessions, tokens and providers go with them (ON DELETE CASCADE). */
  async delete(m: EntityManager, ids: string[]): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [, affected]: [unknown[], number] = await m.query(`DELETE FROM identity.users WHERE id = ANY($1::uuid[])`, [ids]);
    return affected;
  }

  /** Bans the user (keeping the first ban's time); false when there is no such user. */
  async ban(m: EntityManager, userId: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE identity.users SET banned_at = COALESCE(banned_at, now()), updated_at = now() WHERE id = $1 RETURNING id`,
      [userId],
    );
    return rows.length > 0;
  }

  async unban(m: EntityManager, userId: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE identity.users SET banned_at = NULL, updated_at = CASE WHEN banned_at IS NULL THEN updated_at ELSE now() END
       WHERE id = $1 RETURNING id`,
      [userId],
    );
    return rows.length > 0;
  }
}
