import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';

export interface AdminSessionRow {
  id: string;
  /** `local:<username>` */
  subject: string;
  csrfNonce: string;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
}

export interface AdminRefreshTokenRow {
  rotatedAt: Date | null;
  successorSealed: Buffer | null;
}

const COLUMNS = `s.id, s.subject, s.csrf_nonce AS "csrfNonce", s.idle_expires_at AS "idleExpiresAt",
  s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt"`;

/** The admin dashboard's sessions and refresh tokens (hashes only), apart from user sessions. */
@Injectable()
export class AdminSessionsRepository {
  constructor(readonly sql: Sql) {}

  async insertSession(
    q: Tx,
    s: Pick<AdminSessionRow, 'subject' | 'csrfNonce' | 'idleExpiresAt' | 'absoluteExpiresAt'> & { userAgent: string; ip: string },
  ): Promise<AdminSessionRow> {
    const [row] = await q.query<AdminSessionRow>(
      'admin-session-insert',
      `INSERT INTO identity.admin_sessions AS s (subject, user_agent, ip, csrf_nonce, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [s.subject, s.userAgent, s.ip, s.csrfNonce, s.idleExpiresAt, s.absoluteExpiresAt],
    );
    return row!;
  }

  async insertRefreshToken(q: Tx, tokenHash: Buffer, sessionId: string): Promise<void> {
    await q.query('admin-refresh-insert', `INSERT INTO identity.admin_refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [
      tokenHash,
      sessionId,
    ]);
  }

  async findByRefreshHash(
    q: Queryable,
    tokenHash: Buffer,
    lock: boolean,
  ): Promise<{ token: AdminRefreshTokenRow; session: AdminSessionRow } | null> {
    const rows = await q.query<AdminSessionRow & AdminRefreshTokenRow>(
      lock ? 'admin-refresh-find-lock' : 'admin-refresh-find',
      `SELECT ${COLUMNS}, t.rotated_at AS "rotatedAt", t.successor_sealed AS "successorSealed"
       FROM identity.admin_refresh_tokens t JOIN identity.admin_sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1 ${lock ? 'FOR UPDATE OF t' : ''}`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    const { rotatedAt, successorSealed, ...session } = r;
    return { token: { rotatedAt, successorSealed }, session };
  }

  async markRotated(q: Tx, tokenHash: Buffer, successorSealed: Buffer): Promise<void> {
    await q.query(
      'admin-refresh-rotated',
      `UPDATE identity.admin_refresh_tokens SET rotated_at = now(), successor_sealed = $2 WHERE token_hash = $1`,
      [tokenHash, successorSealed],
    );
  }

  async touch(q: Tx, sessionId: string, idleExpiresAt: Date, ip: string): Promise<void> {
    await q.query(
      'admin-session-touch',
      `UPDATE identity.admin_sessions SET last_used_at = now(), idle_expires_at = $2, ip = $3 WHERE id = $1`,
      [sessionId, idleExpiresAt, ip],
    );
  }

  /** The session, if it is live now (the database's clock decides). */
  async findLive(sessionId: string): Promise<AdminSessionRow | null> {
    const rows = await this.sql.query<AdminSessionRow>(
      'admin-session-live',
      `SELECT ${COLUMNS} FROM identity.admin_sessions s
       WHERE s.id = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > now() AND s.absolute_expires_at > now()`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  async revoke(sessionId: string, reason: string, q: Queryable = this.sql): Promise<boolean> {
    const rows = await q.query(
      'admin-session-revoke',
      `UPDATE identity.admin_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, reason],
    );
    return rows.length > 0;
  }
}
