import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';
import { type UserRecord, userColumns, userFromRow } from '../users/users.repository.js';

export interface SessionRow {
  id: string;
  userId: string;
  api: 'insforge' | 'gorb';
  clientType: string;
  deviceName: string | null;
  userAgent: string;
  ip: string;
  csrfNonce: string;
  createdAt: Date;
  lastUsedAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export interface RefreshTokenRow {
  sessionId: string;
  rotatedAt: Date | null;
  successorSealed: Buffer | null;
}

const SESSION_COLUMNS = `s.id, s.user_id AS "userId", s.api, s.client_type AS "clientType", s.device_name AS "deviceName",
  s.user_agent AS "userAgent", s.ip, s.csrf_nonce AS "csrfNonce", s.created_at AS "createdAt", s.last_used_at AS "lastUsedAt",
  s.idle_expires_at AS "idleExpiresAt", s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt"`;

/** The names of the user's columns beside a session's in one row. */
const USER_PREFIX = 'user.';

/** What a session start found of its user: the decision is UserBans'. */
export type UserSessionState = 'active' | 'banned' | 'missing';

/** Sessions, their refresh tokens (hashes only) and the Gorb API's opaque access tokens. */
@Injectable()
export class SessionsRepository {
  constructor(readonly sql: Sql) {}

  /**
   * A session and its first refresh token (by hash), in one statement, unless the user is banned
   * or gone: the user's row is share-locked first (see UserBans for why), and what it said comes
   * back with the session, so the ban check costs no round trip of its own.
   */
  async insertSession(
    q: Tx,
    refreshTokenHash: Buffer,
    s: Pick<
      SessionRow,
      'userId' | 'api' | 'clientType' | 'deviceName' | 'userAgent' | 'ip' | 'csrfNonce' | 'idleExpiresAt' | 'absoluteExpiresAt'
    >,
  ): Promise<{ user: UserSessionState; session: SessionRow | null }> {
    const rows = await q.query<SessionRow & { banned: boolean }>(
      'session-insert-unless-banned',
      `WITH u AS (SELECT banned_at IS NOT NULL AS banned FROM identity.users WHERE id = $1 FOR SHARE),
       s AS (
         INSERT INTO identity.sessions (user_id, api, client_type, device_name, user_agent, ip, csrf_nonce, idle_expires_at, absolute_expires_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM u WHERE NOT u.banned RETURNING *),
       t AS (INSERT INTO identity.refresh_tokens (token_hash, session_id) SELECT $10, id FROM s)
       SELECT u.banned, ${SESSION_COLUMNS} FROM u LEFT JOIN s ON true`,
      [s.userId, s.api, s.clientType, s.deviceName, s.userAgent, s.ip, s.csrfNonce, s.idleExpiresAt, s.absoluteExpiresAt, refreshTokenHash],
    );
    const row = rows[0];
    if (!row) return { user: 'missing', session: null };
    if (row.banned) return { user: 'banned', session: null };
    const { banned: _banned, ...session } = row;
    return { user: 'active', session };
  }

  /** The token row and its session; `lock` takes the token row for the rotation that follows. */
  async findByRefreshHash(q: Queryable, tokenHash: Buffer, lock: boolean): Promise<{ token: RefreshTokenRow; session: SessionRow } | null> {
    const rows = await q.query<SessionRow & { rotatedAt: Date | null; successorSealed: Buffer | null; sessionId: string }>(
      lock ? 'refresh-find-lock' : 'refresh-find',
      `SELECT ${SESSION_COLUMNS}, t.session_id AS "sessionId", t.rotated_at AS "rotatedAt", t.successor_sealed AS "successorSealed"
       FROM identity.refresh_tokens t JOIN identity.sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1 ${lock ? 'FOR UPDATE OF t' : ''}`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    const { rotatedAt, successorSealed, sessionId, ...session } = r;
    return { token: { sessionId, rotatedAt, successorSealed }, session };
  }

  /**
   * A rotation in one statement: the used token marked rotated with its sealed successor, the
   * successor inserted, the session's idle expiry extended (the caller holds the token row's lock).
   */
  async rotate(
    q: Tx,
    r: { tokenHash: Buffer; successorSealed: Buffer; nextHash: Buffer; sessionId: string; idleExpiresAt: Date; ip: string },
  ): Promise<void> {
    await q.query(
      'refresh-rotate',
      `WITH r AS (UPDATE identity.refresh_tokens SET rotated_at = now(), successor_sealed = $2 WHERE token_hash = $1),
            n AS (INSERT INTO identity.refresh_tokens (token_hash, session_id) VALUES ($3, $4))
       UPDATE identity.sessions SET last_used_at = now(), idle_expires_at = $5, ip = $6 WHERE id = $4`,
      [r.tokenHash, r.successorSealed, r.nextHash, r.sessionId, r.idleExpiresAt, r.ip],
    );
  }

  /**
   * A refresh's common case in one statement, outside any transaction: the token, still unused, of
   * a live session of `api` (and, given `sessionId`, of that session) is marked rotated with its
   * sealed successor, the successor is inserted and the session's idle expiry extended; the session
   * comes back with its user. No row when the token is unknown or already rotated, or its session is not live:
   * nothing changed, and the caller decides in a transaction (replay inside the grace window, theft
   * or an invalid token). Of two refreshes of one token at once, the second waits for the first's
   * row lock, then finds the token rotated (PostgreSQL re-checks the condition) and gets no row. A
   * revocation that commits while the statement runs also leaves no row (the session comes back
   * revoked), so the caller's transaction finds the session dead and answers 401.
   */
  async rotateUnused(r: {
    tokenHash: Buffer;
    successorSealed: Buffer;
    nextHash: Buffer;
    api: SessionRow['api'];
    sessionId: string | null;
    now: Date;
    idleTtlSeconds: number;
    ip: string;
  }): Promise<{ session: SessionRow; user: UserRecord } | null> {
    const rows = await this.sql.query<Record<string, unknown>>(
      'refresh-rotate-unused',
      `WITH r AS (
         UPDATE identity.refresh_tokens t SET rotated_at = now(), successor_sealed = $2
         FROM identity.sessions s
         WHERE t.token_hash = $1 AND t.rotated_at IS NULL AND s.id = t.session_id AND s.api = $4
           AND ($5::uuid IS NULL OR s.id = $5) AND s.revoked_at IS NULL AND s.idle_expires_at > $6 AND s.absolute_expires_at > $6
         RETURNING t.session_id),
       n AS (INSERT INTO identity.refresh_tokens (token_hash, session_id) SELECT $3, session_id FROM r),
       s AS (
         UPDATE identity.sessions s SET last_used_at = now(), ip = $8,
           idle_expires_at = LEAST($6::timestamptz + $7 * interval '1 second', s.absolute_expires_at)
         FROM r WHERE s.id = r.session_id RETURNING s.*)
       SELECT ${SESSION_COLUMNS}, ${userColumns(USER_PREFIX)} FROM s JOIN identity.users u ON u.id = s.user_id WHERE s.revoked_at IS NULL`,
      [r.tokenHash, r.successorSealed, r.nextHash, r.api, r.sessionId, r.now, r.idleTtlSeconds, r.ip],
    );
    const row = rows[0];
    if (!row) return null;
    const session = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith(USER_PREFIX))) as unknown as SessionRow;
    return { session, user: userFromRow(row, USER_PREFIX) };
  }

  async findSession(sessionId: string): Promise<SessionRow | null> {
    const rows = await this.sql.query<SessionRow>('session-find', `SELECT ${SESSION_COLUMNS} FROM identity.sessions s WHERE s.id = $1`, [
      sessionId,
    ]);
    return rows[0] ?? null;
  }

  /** Live sessions of a user, newest first (both APIs). */
  listLive(userId: string): Promise<SessionRow[]> {
    return this.sql.query<SessionRow>(
      'session-list-live',
      `SELECT ${SESSION_COLUMNS} FROM identity.sessions s
       WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.absolute_expires_at > now() AND s.idle_expires_at > now()
       ORDER BY s.created_at DESC`,
      [userId],
    );
  }

  /** Revokes sessions; returns the ids of those that were live. Their refresh and access tokens die with them. */
  async revoke(
    where: { sessionId?: string; userId?: string; exceptSessionId?: string; deviceName?: string },
    reason: string,
    q: Queryable = this.sql,
  ): Promise<string[]> {
    const params: unknown[] = [reason];
    const cond: string[] = ['revoked_at IS NULL'];
    if (where.sessionId) cond.push(`id = $${params.push(where.sessionId)}`);
    if (where.userId) cond.push(`user_id = $${params.push(where.userId)}`);
    if (where.exceptSessionId) cond.push(`id <> $${params.push(where.exceptSessionId)}`);
    if (where.deviceName) cond.push(`device_name = $${params.push(where.deviceName)}`);
    if (!where.sessionId && !where.userId) throw new Error('revoke needs a session or a user');
    // The statement depends on the filters, so it is not a named (prepared) one.
    const [{ ids }] = await q.query<{ ids: string[] }>(
      '',
      `WITH r AS (UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $1 WHERE ${cond.join(' AND ')} RETURNING id),
            d AS (DELETE FROM identity.opaque_access_tokens WHERE session_id IN (SELECT id FROM r))
       SELECT COALESCE(array_agg(id), '{}')::text[] AS ids FROM r`,
      params,
    );
    return ids;
  }

  async insertOpaqueAccessToken(q: Tx, tokenHash: Buffer, sessionId: string, expiresAt: Date): Promise<void> {
    // The session's previous access token goes in the same statement (one round trip, not two).
    await q.query(
      'opaque-replace',
      `WITH gone AS (DELETE FROM identity.opaque_access_tokens WHERE session_id = $2)
       INSERT INTO identity.opaque_access_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)`,
      [tokenHash, sessionId, expiresAt],
    );
  }

  /** The live session behind a Gorb access token, or null. */
  async findByOpaqueAccessHash(tokenHash: Buffer): Promise<SessionRow | null> {
    const rows = await this.sql.query<SessionRow>(
      'opaque-find',
      `SELECT ${SESSION_COLUMNS} FROM identity.opaque_access_tokens t JOIN identity.sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1 AND t.expires_at > now() AND s.revoked_at IS NULL AND s.absolute_expires_at > now() AND s.idle_expires_at > now()`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }
}
