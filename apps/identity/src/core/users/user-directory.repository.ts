import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';
import { USER_COLUMNS, type UserRecord } from './users.repository.js';

/** A user as admin routes see it: the usual record plus the ban. */
export interface AdminUserRecord extends UserRecord {
  bannedAt: Date | null;
}

const SELECT_ADMIN_USER = `SELECT ${USER_COLUMNS}, u.banned_at AS "bannedAt" FROM identity.users u`;

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
  constructor(private readonly sql: Sql) {}

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
      this.sql.query<AdminUserRecord>(
        '',
        `${SELECT_ADMIN_USER} ${where} ORDER BY u.created_at DESC, u.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, page.limit, page.offset],
      ),
      this.sql.query<{ total: number }>('', `SELECT count(*)::int AS total FROM identity.users u ${where}`, params),
    ]);
    return { users, total };
  }

  async find(userId: string, q: Queryable = this.sql): Promise<AdminUserRecord | null> {
    const rows = await q.query<AdminUserRecord>('admin-user-find', `${SELECT_ADMIN_USER} WHERE u.id = $1`, [userId]);
    return rows[0] ?? null;
  }

  /**
   * Locks the users that exist among `ids` (in id order, so two deletions never deadlock on each
   * other) and returns them; sign-ins of these users wait for the caller's transaction.
   */
  async lockExisting(tx: Tx, ids: string[]): Promise<{ id: string; email: string }[]> {
    return tx.query('admin-users-lock', `SELECT id, email FROM identity.users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  }

  /**
   * Deletes the refresh tokens of these users' sessions. Done before their sessions are touched,
   * in the order a refresh takes its locks (the token, then its session), so a refresh in flight
   * finishes first instead of deadlocking with the deletion.
   */
  async deleteRefreshTokens(tx: Tx, ids: string[]): Promise<void> {
    await tx.query(
      'admin-users-delete-refresh',
      `DELETE FROM identity.refresh_tokens WHERE session_id IN (SELECT id FROM identity.sessions WHERE user_id = ANY($1::uuid[]))`,
      [ids],
    );
  }

  /** Deletes the users; sessions, tokens and providers go with them (ON DELETE CASCADE). */
  async delete(tx: Tx, ids: string[]): Promise<number> {
    const rows = await tx.query('admin-users-delete', `DELETE FROM identity.users WHERE id = ANY($1::uuid[]) RETURNING id`, [ids]);
    return rows.length;
  }

  /** Bans the user (keeping the first ban's time); false when there is no such user. */
  async ban(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.query(
      'admin-user-ban',
      `UPDATE identity.users SET banned_at = COALESCE(banned_at, now()), updated_at = now() WHERE id = $1 RETURNING id`,
      [userId],
    );
    return rows.length > 0;
  }

  async unban(tx: Tx, userId: string): Promise<boolean> {
    const rows = await tx.query(
      'admin-user-unban',
      `UPDATE identity.users SET banned_at = NULL, updated_at = CASE WHEN banned_at IS NULL THEN updated_at ELSE now() END
       WHERE id = $1 RETURNING id`,
      [userId],
    );
    return rows.length > 0;
  }
}
