import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ANON_KEY_PREFIX, isAnonKey } from '@app/contracts';
import type { RequestMeta } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { type AuditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { KeysRepository } from './keys.repository.js';

/** Default and ceiling of an anon key rotation's grace period (InsForge's: 7 days, at most 30). */
export const ANON_KEY_GRACE_HOURS = { default: 168, max: 720 } as const;

/**
 * The anon key (`anon_` + 64 hex): a public identifier every frontend sends on sign-up, kept in
 * the database so it can be rotated without a restart. ANON_KEY from the configuration is stored
 * once, while no anon key was ever stored; after that the database is the truth. Every replica
 * reads it from the database, so a rotation reaches all of them at once.
 */
@Injectable()
export class AnonKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger('AnonKeys');

  constructor(
    private readonly repo: KeysRepository,
    private readonly audit: AuditLog,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.repo.seedAnonKey(this.config.ANON_KEY)) this.logger.log('anon key stored from ANON_KEY');
  }

  /** Whether the key is the active anon key or one still in its grace period. */
  async verify(key: string): Promise<boolean> {
    if (!isAnonKey(key)) return false;
    const usable = await this.repo.usableAnonKeys();
    return usable.some((k) => k.key === key);
  }

  async current(): Promise<string | null> {
    return (await this.repo.activeAnonKey())?.key ?? null;
  }

  async rotate(graceHours: number, by: AuditActor, meta: RequestMeta): Promise<{ anonKey: string; oldKeyExpiresAt: Date }> {
    const anonKey = ANON_KEY_PREFIX + randomBytes(32).toString('hex');
    const oldKeyExpiresAt = new Date(Date.now() + graceHours * 3600_000);
    await this.repo.sql.transaction(async (q) => {
      await this.repo.lockRotation(q, 'anon_key');
      const current = await this.repo.activeAnonKey(q);
      if (current) await this.repo.expireAnonKey(q, current.id, oldKeyExpiresAt);
      const made = await this.repo.insertAnonKey(q, anonKey);
      await this.audit.record(q, {
        type: 'anon_key.rotated',
        actor: by,
        targetId: made.id,
        meta,
        details: { gracePeriodHours: graceHours, previousKeyId: current?.id ?? null },
      });
    });
    return { anonKey, oldKeyExpiresAt };
  }
}
