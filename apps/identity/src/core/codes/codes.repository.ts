import { Injectable } from '@nestjs/common';
import type { Queryable, Tx } from '@app/core';

export type CodePurpose = 'verify_email' | 'reset_password' | 'sign_in';

/** A row of identity.one_time_codes: a 6-digit code or a link token, by its hash only. */
export interface OneTimeCode {
  id: string;
  email: string;
  purpose: CodePurpose;
  kind: 'code' | 'token';
  secretHash: Buffer;
  redirectTo: string | null;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, email, purpose, kind, secret_hash AS "secretHash", redirect_to AS "redirectTo", attempts,
  expires_at AS "expiresAt", consumed_at AS "consumedAt", created_at AS "createdAt"`;

type NewSecret = { email: string; purpose: CodePurpose; secretHash: Buffer; expiresAt: Date; redirectTo?: string | null };

/** Storage of one-time codes and tokens; only their hashes are kept. */
@Injectable()
export class CodesRepository {
  /** Replaces the live code for (email, purpose): a resend kills the previous code. */
  async upsertCode(tx: Tx, row: NewSecret): Promise<void> {
    await tx.query(
      'code-upsert',
      `INSERT INTO identity.one_time_codes (email, purpose, kind, secret_hash, redirect_to, expires_at)
       VALUES ($1, $2, 'code', $3, $4, $5)
       ON CONFLICT (email, purpose) WHERE kind = 'code'
       DO UPDATE SET secret_hash = EXCLUDED.secret_hash, redirect_to = EXCLUDED.redirect_to, expires_at = EXCLUDED.expires_at,
                     attempts = 0, consumed_at = NULL, created_at = now()`,
      [row.email, row.purpose, row.secretHash, row.redirectTo ?? null, row.expiresAt],
    );
  }

  async insertToken(tx: Tx, row: NewSecret): Promise<void> {
    await tx.query(
      'token-insert',
      `INSERT INTO identity.one_time_codes (email, purpose, kind, secret_hash, redirect_to, expires_at) VALUES ($1, $2, 'token', $3, $4, $5)`,
      [row.email, row.purpose, row.secretHash, row.redirectTo ?? null, row.expiresAt],
    );
  }

  /** The live code row, locked for the verification that follows. */
  async lockCode(tx: Tx, email: string, purpose: CodePurpose): Promise<OneTimeCode | null> {
    const rows = await tx.query<OneTimeCode>(
      'code-lock',
      `SELECT ${COLUMNS} FROM identity.one_time_codes WHERE email = $1 AND purpose = $2 AND kind = 'code' FOR UPDATE`,
      [email, purpose],
    );
    return rows[0] ?? null;
  }

  async lockToken(tx: Tx, secretHash: Buffer): Promise<OneTimeCode | null> {
    const rows = await tx.query<OneTimeCode>(
      'token-lock',
      `SELECT ${COLUMNS} FROM identity.one_time_codes WHERE secret_hash = $1 AND kind = 'token' FOR UPDATE`,
      [secretHash],
    );
    return rows[0] ?? null;
  }

  async findToken(q: Queryable, secretHash: Buffer): Promise<OneTimeCode | null> {
    const rows = await q.query<OneTimeCode>(
      'token-find',
      `SELECT ${COLUMNS} FROM identity.one_time_codes WHERE secret_hash = $1 AND kind = 'token'`,
      [secretHash],
    );
    return rows[0] ?? null;
  }

  /** Spends every outstanding code and link token of an address (an account claim). */
  async spendAllFor(tx: Tx, email: string): Promise<void> {
    await tx.query('codes-spend-all', `UPDATE identity.one_time_codes SET consumed_at = now() WHERE email = $1 AND consumed_at IS NULL`, [
      email,
    ]);
  }

  async save(tx: Tx, row: Pick<OneTimeCode, 'id' | 'attempts' | 'consumedAt'>): Promise<void> {
    await tx.query('code-save', `UPDATE identity.one_time_codes SET attempts = $2, consumed_at = $3 WHERE id = $1`, [
      row.id,
      row.attempts,
      row.consumedAt,
    ]);
  }
}
