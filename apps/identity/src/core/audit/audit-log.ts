import { Injectable } from '@nestjs/common';
import type { Tx } from '@app/core';
import { AUDIT_ACTOR_TYPES, AUDIT_EVENT_TYPES, type AuditDetails, type AuditEvent } from './audit-event.js';
import { type AuditRow, AuditRepository } from './audit.repository.js';

/** The caller's transaction (`Sql.transaction`'s Tx), or null to record on its own. */
export type AuditTx = Tx;

/** Detail keys that would name a secret. Details are for ids, methods, reasons and field names. */
const SECRET_KEY = /pass(word|wd)?|secret|token|otp|cookie|csrf|hash|credential|private|code/i;
const DETAIL_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
const MAX_DETAIL_KEYS = 16;
const MAX_DETAIL_STRING = 256;
const MAX_DETAIL_ARRAY = 32;
const TYPES = new Set<string>(AUDIT_EVENT_TYPES);
const ACTORS = new Set<string>(AUDIT_ACTOR_TYPES);

/**
 * The append-only record of security events. `record(tx, event)` writes the event inside the
 * caller's transaction, so a change and its record commit or roll back together (no change without
 * its record); `record(null, event)` writes it on its own, for events that change nothing (a
 * refused sign-in). Callers pass ids, methods and reasons, never a password, token or code: keys
 * that would name one are refused, and every string is cut to a bounded length.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly repo: AuditRepository) {}

  async record(tx: AuditTx | null, event: AuditEvent): Promise<void> {
    const row = toRow(event);
    const q = tx ?? this.repo.sql;
    await this.repo.insert(q, row);
  }
}

/** Validates and bounds an event; throws on a programming error (unknown type, a secret-looking key). */
export function toRow(e: AuditEvent): AuditRow {
  if (!TYPES.has(e.type)) throw new Error(`audit: unknown event type ${String(e.type)}`);
  if (!ACTORS.has(e.actor.type)) throw new Error(`audit: unknown actor type ${String(e.actor.type)}`);
  return {
    type: e.type,
    actorType: e.actor.type,
    actorId: text(e.actor.id, 128),
    targetUserId: e.targetUserId ?? null,
    targetId: text(e.targetId, 256),
    ip: text(e.meta?.ip, 64),
    userAgent: text(e.meta?.userAgent, 512),
    requestId: text(e.meta?.requestId, 128),
    details: details(e.details ?? {}),
  };
}

function details(d: AuditDetails): AuditDetails {
  const keys = Object.keys(d);
  if (keys.length > MAX_DETAIL_KEYS) throw new Error(`audit: more than ${MAX_DETAIL_KEYS} detail keys`);
  const out: AuditDetails = {};
  for (const k of keys) {
    if (!DETAIL_KEY.test(k)) throw new Error(`audit: detail key ${JSON.stringify(k)} is not a plain name`);
    if (SECRET_KEY.test(k)) throw new Error(`audit: detail key ${k} looks like a secret; record ids and reasons only`);
    const v = d[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.slice(0, MAX_DETAIL_ARRAY).map((s) => text(String(s), MAX_DETAIL_STRING) ?? '');
    else if (typeof v === 'string') out[k] = text(v, MAX_DETAIL_STRING);
    else if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else throw new Error(`audit: detail ${k} is not a plain value`);
  }
  return out;
}

/** Bounded, and storable by PostgreSQL (no NUL, no lone surrogate). */
function text(v: string | null | undefined, max: number): string | null {
  if (v === null || v === undefined || v === '') return null;
  return v.replaceAll('\0', '').slice(0, max).replace(LONE_SURROGATE, '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
