import { Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, isApiKey } from '@app/contracts';
import type { RequestMeta } from '@app/core';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../common/secrets.js';
import { type AuditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { graceKeyCannotRotate } from './credential-errors.js';
import { type ApiKeyRow, KeysRepository } from './keys.repository.js';

/** Default and ceiling of an API key rotation's grace period (InsForge's: 24 h, at most 7 days). */
export const API_KEY_GRACE_HOURS = { default: 24, max: 168 } as const;

export interface ApiKeyDescription {
  /** the first characters, enough to tell keys apart in a dashboard; never enough to use */
  hint: string;
  createdAt: Date;
}

const hintOf = (key: string) => `${key.slice(0, 7)}…${key.slice(-4)}`;

/**
 * The project's admin API keys (`ik_` + 64 hex). Only their SHA-256 is stored: a key is shown once,
 * when it is made, and can never be read back. A 256-bit random key needs no slow hash; looking
 * it up by digest also makes the check constant-time in the key. No key comes from the
 * configuration (a static key in an environment file outlives every rotation): the first one is
 * made by an admin with POST /api/secrets/api-key/rotate.
 */
@Injectable()
export class ApiKeys {
  constructor(
    private readonly repo: KeysRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The stored key this value is, if it is active or in its grace period. */
  async verify(key: string): Promise<ApiKeyRow | null> {
    if (!isApiKey(key)) return null;
    return this.repo.findUsableApiKey(sha256(key));
  }

  async describe(): Promise<{ active: ApiKeyDescription | null; inGrace: (ApiKeyDescription & { expiresAt: Date })[] }> {
    const [active, grace] = await Promise.all([this.repo.activeApiKey(), this.repo.apiKeysInGrace()]);
    return {
      active: active && { hint: active.hint, createdAt: active.createdAt },
      inGrace: grace.map((k) => ({ hint: k.hint, createdAt: k.createdAt, expiresAt: k.expiresAt! })),
    };
  }

  /**
   * A new active key; the old one stays valid for `graceHours` (0: it stops at once). Also makes
   * the first key when there is none. The only moment the key exists in clear is this answer.
   */
  async rotate(graceHours: number, by: AuditActor, meta: RequestMeta): Promise<{ apiKey: string; oldKeyExpiresAt: Date }> {
    const apiKey = API_KEY_PREFIX + randomBytes(32).toString('hex');
    const oldKeyExpiresAt = new Date(Date.now() + graceHours * 3600_000);
    await this.repo.sql.transaction(async (q) => {
      await this.repo.lockRotation(q, 'api_key');
      const current = await this.repo.activeApiKey(q);
      // Only the current key (or an admin) may rotate: checked under the rotation lock, so a key
      // rotated out a moment ago, or in its grace period, cannot mint its own successor.
      if (by.type === 'api_key' && by.id !== current?.id) throw graceKeyCannotRotate();
      if (current) await this.repo.expireApiKey(q, current.id, oldKeyExpiresAt);
      const made = await this.repo.insertApiKey(q, sha256(apiKey), hintOf(apiKey));
      await this.audit.record(q, {
        type: 'api_key.rotated',
        actor: by,
        targetId: made.id,
        meta,
        details: { gracePeriodHours: graceHours, previousKeyId: current?.id ?? null },
      });
    });
    return { apiKey, oldKeyExpiresAt };
  }
}
