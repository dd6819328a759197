import { Inject, Injectable } from '@nestjs/common';
import type { Queryable, Tx } from '@app/core';
import { linkTokenOf } from '@app/contracts';
import { Clock } from '../common/clock.js';
import { hmac, randomCode, randomToken, safeEqual, sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import { CodesRepository } from './codes.repository.js';
import type { CodePurpose } from './codes.repository.js';

/** A code dies after this many wrong tries (ASVS 2.7.x; InsForge's rule too). */
export const MAX_CODE_ATTEMPTS = 3;

export const CODE_TTL_SECONDS: Record<CodePurpose, number> = { verify_email: 15 * 60, reset_password: 15 * 60, sign_in: 5 * 60 };

export type CodeCheck = { ok: true; redirectTo: string | null } | { ok: false };

/**
 * One-time codes (6 digits from the CSPRNG, stored as a keyed HMAC) and tokens (256 bits, stored
 * as SHA-256): expiring, single use, and a code is burnt by its third wrong try.
 */
@Injectable()
export class CodesService {
  constructor(
    private readonly repo: CodesRepository,
    private readonly clock: Clock,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  private codeHash(email: string, purpose: CodePurpose, code: string): Buffer {
    return hmac(this.config.AUTH_HMAC_SECRET, `code:${purpose}:${email}:${code}`);
  }

  async issueCode(tx: Tx, email: string, purpose: CodePurpose, redirectTo?: string | null): Promise<string> {
    const code = randomCode();
    const expiresAt = new Date(this.clock.now().getTime() + CODE_TTL_SECONDS[purpose] * 1000);
    await this.repo.upsertCode(tx, { email, purpose, secretHash: this.codeHash(email, purpose, code), expiresAt, redirectTo });
    return code;
  }

  /** Checks and consumes a code; a wrong try is counted even though the caller then fails. */
  async consumeCode(tx: Tx, email: string, purpose: CodePurpose, code: string): Promise<CodeCheck> {
    const row = await this.repo.lockCode(tx, email, purpose);
    if (!row || row.consumedAt || row.attempts >= MAX_CODE_ATTEMPTS || row.expiresAt <= this.clock.now()) return { ok: false };
    if (!safeEqual(row.secretHash, this.codeHash(email, purpose, code))) {
      row.attempts += 1;
      await this.repo.save(tx, row);
      return { ok: false };
    }
    row.consumedAt = this.clock.now();
    await this.repo.save(tx, row);
    return { ok: true, redirectTo: row.redirectTo };
  }

  async issueToken(tx: Tx, email: string, purpose: CodePurpose, ttlSeconds: number, redirectTo?: string | null): Promise<string> {
    const token = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + ttlSeconds * 1000);
    await this.repo.insertToken(tx, { email, purpose, secretHash: sha256(token), expiresAt, redirectTo });
    return token;
  }

  /** A token's row in any state (used, expired), or null when the token was never issued. */
  async findToken(q: Queryable, token: string, purpose: CodePurpose) {
    const issued = linkTokenOf(token);
    if (!issued) return null;
    const row = await this.repo.findToken(q, sha256(issued));
    return row && row.purpose === purpose ? row : null;
  }

  /** A live token's row without consuming it (link previews and redirects). */
  async peekToken(q: Queryable, token: string, purpose: CodePurpose) {
    const issued = linkTokenOf(token);
    if (!issued) return null;
    const row = await this.repo.findToken(q, sha256(issued));
    if (!row || row.purpose !== purpose || row.consumedAt || row.expiresAt <= this.clock.now()) return null;
    return row;
  }

  async consumeToken(tx: Tx, token: string, purpose: CodePurpose) {
    const issued = linkTokenOf(token);
    if (!issued) return null;
    const row = await this.repo.lockToken(tx, sha256(issued));
    if (!row || row.purpose !== purpose || row.consumedAt || row.expiresAt <= this.clock.now()) return null;
    row.consumedAt = this.clock.now();
    await this.repo.save(tx, row);
    return row;
  }
}
