import { Injectable } from '@nestjs/common';
import { type Queryable, Sql } from '@app/core';
import type { AuditActorType, AuditDetails, AuditEventType } from './audit-event.js';

/** One row of identity.audit_events as written. */
export interface AuditRow {
  type: AuditEventType;
  actorType: AuditActorType;
  actorId: string | null;
  targetUserId: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: AuditDetails;
}

/** One row as read, with its position (`id`, a bigint as text) and time. */
export interface StoredAuditRow extends AuditRow {
  id: string;
  occurredAt: Date;
}

export interface AuditFilter {
  types?: AuditEventType[];
  actorType?: AuditActorType;
  actorId?: string;
  targetUserId?: string;
  /** inclusive */
  from?: Date;
  /** exclusive */
  to?: Date;
  /** keyset: only rows strictly older (smaller id) than this one */
  beforeId?: string;
}

const COLUMNS = `id::text AS id, occurred_at AS "occurredAt", type, actor_type AS "actorType", actor_id AS "actorId",
  target_user_id AS "targetUserId", target_id AS "targetId", ip, user_agent AS "userAgent", request_id AS "requestId", details`;

/**
 * identity.audit_events: insert and read only. The runtime role has no UPDATE on the table and a
 * trigger refuses UPDATE and TRUNCATE from anyone, and DELETE of rows younger than a day; the one
 * deletion is the retention's, in bounded batches.
 */
@Injectable()
export class AuditRepository {
  constructor(readonly sql: Sql) {}

  async insert(q: Queryable, r: AuditRow): Promise<void> {
    await q.query(
      'audit-insert',
      `INSERT INTO identity.audit_events (type, actor_type, actor_id, target_user_id, target_id, ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [r.type, r.actorType, r.actorId, r.targetUserId, r.targetId, r.ip, r.userAgent, r.requestId, JSON.stringify(r.details)],
    );
  }

  /** Newest first, `limit` rows at most; every value is a parameter, never SQL text. */
  list(f: AuditFilter, limit: number): Promise<StoredAuditRow[]> {
    const params: unknown[] = [];
    const cond: string[] = [];
    if (f.types?.length) cond.push(`type = ANY($${params.push(f.types)}::text[])`);
    if (f.actorType) cond.push(`actor_type = $${params.push(f.actorType)}`);
    if (f.actorId) cond.push(`actor_id = $${params.push(f.actorId)}`);
    if (f.targetUserId) cond.push(`target_user_id = $${params.push(f.targetUserId)}::uuid`);
    if (f.from) cond.push(`occurred_at >= $${params.push(f.from)}`);
    if (f.to) cond.push(`occurred_at < $${params.push(f.to)}`);
    if (f.beforeId) cond.push(`e.id < $${params.push(f.beforeId)}::bigint`);
    const where = cond.length ? `WHERE ${cond.join(' AND ')}` : '';
    // The statement depends on the filters, so it is not a named (prepared) one.
    // `e.id`, the bigint: a bare `id` in ORDER BY would name the text column of the SELECT list.
    return this.sql.query<StoredAuditRow>(
      '',
      `SELECT ${COLUMNS} FROM identity.audit_events e ${where} ORDER BY e.id DESC LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /** Deletes at most `batch` rows older than `days` days, oldest first; returns how many. */
  async deleteOlderThan(days: number, batch: number): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      'audit-retention',
      `WITH d AS (
         DELETE FROM identity.audit_events WHERE id IN (
           SELECT id FROM identity.audit_events WHERE occurred_at < now() - make_interval(days => $1) ORDER BY occurred_at LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [days, batch],
    );
    return row?.n ?? 0;
  }
}
