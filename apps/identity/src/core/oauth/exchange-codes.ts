import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { isOpaqueToken } from '@app/contracts';
import { REDIS } from '@app/core';
import { randomToken, sha256 } from '../common/secrets.js';

/** What an `insforge_code` stands for until it is exchanged. */
export interface ExchangeGrant {
  userId: string;
  provider: string;
  /** the app's S256 code challenge from the authorize request */
  codeChallenge: string;
}

export const EXCHANGE_CODE_TTL_SECONDS = 5 * 60;

/**
 * `insforge_code`: 256 random bits (64 hex), valid five minutes, single use, kept in Redis so any
 * replica can exchange it (InsForge keeps them in process memory). Only its SHA-256 is a key;
 * GETDEL takes it atomically, so of two concurrent exchanges exactly one gets the grant, and a
 * code is spent even when the PKCE check then fails.
 */
@Injectable()
export class ExchangeCodes {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(code: string): string {
    return `oauth:exchange:${sha256(code).toString('hex')}`;
  }

  async issue(grant: ExchangeGrant): Promise<string> {
    const code = randomToken();
    await this.redis.set(this.key(code), JSON.stringify(grant), 'EX', EXCHANGE_CODE_TTL_SECONDS);
    return code;
  }

  async take(code: string): Promise<ExchangeGrant | null> {
    if (!isOpaqueToken(code)) return null;
    const raw = await this.redis.getdel(this.key(code));
    return raw ? (JSON.parse(raw) as ExchangeGrant) : null;
  }
}
