import type { AuditActorType, AuditEventType } from '@app/contracts';
import type { RequestMeta } from '@app/core';

export { AUDIT_ACTOR_TYPES, AUDIT_EVENT_TYPES, type AuditActorType, type AuditEventType } from '@app/contracts';

/**
 * Who did it. `user`: the account's id; `admin`: the admin's id; `api_key`: the key's id (never
 * the key); `anonymous`: someone not yet authenticated (a failed sign-in); `system`: identity
 * itself (a scheduled job).
 */
export interface AuditActor {
  type: AuditActorType;
  id?: string | null;
}

/** Plain values only, short, and never a secret (AuditLog refuses keys that name one). */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

export interface AuditEvent {
  type: AuditEventType;
  actor: AuditActor;
  /** the account the event is about, when there is one (it may be deleted later; no foreign key) */
  targetUserId?: string | null;
  /** what else it is about: a session id, a template type, a key id, … */
  targetId?: string | null;
  /** the HTTP request behind it (IP as TRUSTED_PROXIES decided it, user agent, X-Request-Id) */
  meta?: RequestMeta | null;
  details?: AuditDetails;
}

/** What the admin API returns for one event. */
export interface AuditEventView {
  id: string;
  type: AuditEventType;
  occurredAt: string;
  actor: { type: AuditActorType; id: string | null };
  targetUserId: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: AuditDetails;
}

/** Shorthands for the actors every front door names. */
export const auditActor = {
  user: (id: string): AuditActor => ({ type: 'user', id }),
  anonymous: (): AuditActor => ({ type: 'anonymous', id: null }),
  system: (): AuditActor => ({ type: 'system', id: null }),
  /** the `request.actor` AdminGuard sets: an admin, or an API key (its id, never the key) */
  of: (a: { type: 'admin' | 'api_key'; id: string }): AuditActor => ({ type: a.type, id: a.id }),
};
