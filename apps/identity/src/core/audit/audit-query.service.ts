import { Inject, Injectable } from '@nestjs/common';
import type { AuditEventType, AuditListQuery } from '@app/contracts';
import { invalidInput } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { AuditCursor } from './audit-cursor.js';
import type { AuditEventView } from './audit-event.js';
import { type AuditFilter, AuditRepository, type StoredAuditRow } from './audit.repository.js';

export const AUDIT_PAGE_DEFAULT = 50;

/**
 * Reads the audit log for the admin API: newest first, filtered, in keyset pages. A page ends at an
 * id and the next starts strictly below it, so events inserted meanwhile (always above, or below
 * only if their transaction began earlier) never shift a page: no event is shown twice, and none
 * that existed when the listing began is skipped.
 */
@Injectable()
export class AuditQuery {
  private readonly cursors: AuditCursor;

  constructor(
    private readonly repo: AuditRepository,
    @Inject(IdentityConfig) config: IdentityConfig,
  ) {
    this.cursors = new AuditCursor(config.AUTH_HMAC_SECRET);
  }

  async list(q: AuditListQuery): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
    const filter: AuditFilter = {
      types: q.type ? ([...new Set(q.type.split(','))].sort() as AuditEventType[]) : undefined,
      actorType: q.actorType,
      actorId: q.actorId,
      targetUserId: q.userId?.toLowerCase(),
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    };
    if (filter.from && filter.to && filter.from >= filter.to) throw invalidInput('from: must be before to');
    const key = JSON.stringify([
      filter.types ?? null,
      filter.actorType ?? null,
      filter.actorId ?? null,
      filter.targetUserId ?? null,
      filter.from?.toISOString() ?? null,
      filter.to?.toISOString() ?? null,
    ]);
    if (q.cursor !== undefined) {
      const id = this.cursors.decode(q.cursor, key);
      if (!id) throw invalidInput('cursor: invalid, or made for other filters');
      filter.beforeId = id;
    }
    const limit = q.limit ?? AUDIT_PAGE_DEFAULT;
    const rows = await this.repo.list(filter, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { events: page.map(toView), nextCursor: rows.length > limit && last ? this.cursors.encode(last.id, key) : null };
  }
}

export function toView(r: StoredAuditRow): AuditEventView {
  return {
    id: r.id,
    type: r.type,
    occurredAt: new Date(r.occurredAt).toISOString(),
    actor: { type: r.actorType, id: r.actorId },
    targetUserId: r.targetUserId,
    targetId: r.targetId,
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
    details: r.details,
  };
}
