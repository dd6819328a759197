import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CodePurpose, OneTimeCode } from './one-time-code.entity.js';

/** Storage of one-time codes and tokens; only their hashes are kept. */
@Injectable()
export class CodesRepository {
  /** Replaces the live code for (email, purpose): a resend kills the previous code. */
  async upsertCode(
    m: EntityManager,
    row: { email: string; purpose: CodePurpose; secretHash: Buffer; expiresAt: Date; redirectTo?: string | null },
  ) {
    await m.query(
      `INSERT INTO identity.one_time_codes (email, purpose, kind, secret_hash, redirect_to, expires_at)
       VALUES ($1, $2, 'code', $3, $4, $5)
       ON CONFLICT (email, purpose) WHERE kind = 'code'
       DO UPDATE SET secret_hash = EXCLUDED.secret_hash, redirect_to = EXCLUDED.redirect_to, expires_at = EXCLUDED.expires_at,
                     attempts = 0, consumed_at = NULL, created_at = now()`,
      [row.email, row.purpose, row.secretHash, row.redirectTo ?? null, row.expiresAt],
    );
  }

  async insertToken(
    m: EntityManager,
    row: { email: string; purpose: CodePurpose; secretHash: Buffer; expiresAt: Date; redirectTo?: string | null },
  ) {
    await m.insert(OneTimeCode, { ...row, kind: 'token', redirectTo: row.redirectTo ?? null });
  }

  /** The live code row, locked for the verification that follows. */
  lockCode(m: EntityManager, email: string, purpose: CodePurpose): Promise<OneTimeCode | null> {
    return m.findOne(OneTimeCode, { where: { email, purpose, kind: 'code' }, lock: { mode: 'pessimistic_write' } });
  }

  lockToken(m: EntityManager, secretHash: Buffer): Promise<OneTimeCode | null> {
    return m.findOne(OneTimeCode, { where: { secretHash, kind: 'token' }, lock: { mode: 'pessimistic_write' } });
  }

  findToken(m: EntityManager, secretHash: Buffer): Promise<OneTimeCode | null> {
    return m.findOne(OneTimeCode, { where: { secretHash, kind: 'token' } });
  }

  /** Spends every outstanding code and link token of an address (an account claim). */
  async spendAllFor(m: EntityManager, email: string): Promise<void> {
    await m.query(`UPDATE identity.one_time_codes SET consumed_at = now() WHERE email = $1 AND consumed_at IS NULL`, [email]);
  }

  async save(m: EntityManager, row: OneTimeCode): Promise<void> {
    await m.update(OneTimeCode, { id: row.id }, { attempts: row.attempts, consumedAt: row.consumedAt });
  }
}
