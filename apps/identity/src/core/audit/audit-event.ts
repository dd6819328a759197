import type { RequestMeta } from '@app/core';

/**
 * Every kind of security event the audit log records. Names are stored in rows and used as filters,
 * so they are frozen like queue names: add new ones, never rename.
 */
export const AUDIT_EVENT_TYPES = [
  /** a session was issued for a proven credential (details.method: password, email_code, gorb_password, …) */
  'sign_in.succeeded',
  /** a credential was checked and refused (rate-limited attempts never reach the check, so never get here) */
  'sign_in.failed',
  /** a rotated refresh token was replayed after the grace window: its session was revoked */
  'refresh_token.reused',
  /** a password was reset with a code or link; every session of the user was revoked */
  'password.reset',
  /** a session ended on request (details.reason: logout, user_revoked, device_revoked, …) */
  'session.revoked',
  'user.created',
  'user.deleted',
  'user.banned',
  'user.unbanned',
  'admin.sign_in.succeeded',
  'admin.sign_in.failed',
  'admin.signed_out',
  /** the auth policy (GET/PUT /api/auth/config) changed; details.fields names what */
  'config.updated',
  'smtp_config.updated',
  'email_template.updated',
  'oauth_config.updated',
  'api_key.rotated',
  'anon_key.rotated',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_ACTOR_TYPES = ['user', 'admin', 'api_key', 'anonymous', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

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
