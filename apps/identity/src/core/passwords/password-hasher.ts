import { type Algorithm, hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { IdentityConfig } from '../config/identity.config.js';
import { hashLabels, passwordVerifications } from './password.metrics.js';

/** `Algorithm.Argon2id`: a const enum, which isolated modules cannot import by name. */
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id (OWASP: m=19 MiB, t=2, p=1 by default, configurable) on the libuv thread pool, so
 * hashing never blocks the event loop. bcrypt hashes from imports are verified (natively, off the
 * event loop too) and flagged for rehashing.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummy = '';

  constructor(@Inject(IdentityConfig) private readonly config: IdentityConfig) {}

  private get options() {
    return {
      algorithm: ARGON2ID,
      memoryCost: this.config.PASSWORD_ARGON2_MEMORY_KIB,
      timeCost: this.config.PASSWORD_ARGON2_TIME_COST,
      parallelism: this.config.PASSWORD_ARGON2_PARALLELISM,
    };
  }

  /** A hash of nothing anyone knows, verified when there is no account, to cost the same time. */
  async onModuleInit(): Promise<void> {
    this.dummy = await this.hash(randomBytes(32).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return argonHash(password, this.options);
  }

  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    if (!stored) {
      await this.run(this.dummy, password);
      return false;
    }
    return this.run(stored, password);
  }

  /** One verification, counted where the hash work is actually done (see password.metrics.ts). */
  private run(stored: string, password: string): Promise<boolean> {
    passwordVerifications.inc(hashLabels(stored));
    if (/^\$2[aby]\$/.test(stored)) return bcrypt.compare(password, stored);
    return argonVerify(stored, password).catch(() => false);
  }

  /** True when the stored hash is not argon2id with today's parameters (legacy bcrypt included). */
  needsRehash(stored: string): boolean {
    const o = this.options;
    return !stored.startsWith(`$argon2id$v=19$m=${o.memoryCost},t=${o.timeCost},p=${o.parallelism}$`);
  }
}
