import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyResolver, ResolvedKey } from '@app/auth';
import { IdentityConfig } from '../config/identity.config.js';
import { sealJwk, unsealJwk } from './key-sealing.js';
import { type NewSigningKey, SigningKeysRepository } from './signing-keys.repository.js';

export const SIGNING_ALG = 'ES256';

interface LoadedKey {
  kid: string;
  createdAt: Date;
  publicJwk: JWK;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/**
 * identity's signing keys (ES256), shared by every replica through the database. Several keys may
 * be live: a new key is published in the JWKS at once but signs only after an overlap period, so
 * verifiers that cached the old JWKS see it first; retired keys leave the JWKS. See README
 * "Key rotation" for the procedure.
 */
@Injectable()
export class SigningKeys implements KeyResolver, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys');
  private keys: LoadedKey[] = [];
  /** when the keys were last read from the database; a key retired since is gone one period later */
  private reloadedAt = Number.NEGATIVE_INFINITY;
  /** kids already reported as sealed under another secret (reported once, not every reload) */
  private readonly unopenable = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: SigningKeysRepository,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureOne();
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((err: Error) => this.logger.warn(`key reload failed: ${err.message}`));
    }, this.config.JWT_KEY_ROTATION_CHECK_SECONDS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** How long a new key is published before it signs: two reload periods plus a JWKS cache. */
  private get overlapMs(): number {
    return (2 * this.config.JWT_KEY_ROTATION_CHECK_SECONDS + 60) * 1000;
  }

  /** The key that signs now: the newest one past its overlap period (or the only one). */
  signer(): LoadedKey {
    const now = Date.now();
    const ready = this.keys.find((k) => now - k.createdAt.getTime() >= this.overlapMs);
    const key = ready ?? this.keys[this.keys.length - 1];
    if (!key) throw new Error('no signing key loaded');
    return key;
  }

  async resolve(kid: string): Promise<ResolvedKey | undefined> {
    const key = this.keys.find((k) => k.kid === kid)?.publicKey;
    // While reloads fail (database away) the keys in hand still verify, but no verification is
    // cached beyond the period: trustedUntil is then already past.
    return key && { key, trustedUntil: this.reloadedAt + this.config.JWT_KEY_ROTATION_CHECK_SECONDS * 1000 };
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  async reload(): Promise<void> {
    const started = Date.now();
    const rows = await this.repo.live();
    const keys: LoadedKey[] = [];
    for (const r of rows) {
      const privateJwk = unsealJwk(this.config.AUTH_HMAC_SECRET, r.privateJwk);
      if (!privateJwk) {
        // Sealed under another AUTH_HMAC_SECRET: unusable here, so neither published nor trusted.
        if (!this.unopenable.has(r.kid)) this.logger.error(`signing key ${r.kid} cannot be opened with this AUTH_HMAC_SECRET; skipped`);
        this.unopenable.add(r.kid);
        continue;
      }
      keys.push({
        kid: r.kid,
        createdAt: r.createdAt,
        publicJwk: { ...r.publicJwk, kid: r.kid, alg: r.alg, use: 'sig' },
        publicKey: createPublicKey({ key: r.publicJwk as never, format: 'jwk' }),
        privateKey: createPrivateKey({ key: privateJwk as never, format: 'jwk' }),
      });
    }
    this.keys = keys;
    this.reloadedAt = started;
  }

  /**
   * Creates a key when there is no usable one (first boot, or every key sealed under another
   * AUTH_HMAC_SECRET). Replicas race safely through an advisory lock.
   */
  private async ensureOne(): Promise<void> {
    await this.reload();
    if (this.keys.length) return;
    await this.repo.sql.transaction(async (tx) => {
      await this.repo.lockCreation(tx);
      await this.reload(); // another replica may have created one while we waited
      if (!this.keys.length) await this.repo.insert(tx, await newSigningKey(this.config.AUTH_HMAC_SECRET));
    });
  }

  /** Adds a key (published now, signing after the overlap). Used by `main.js keys:rotate`. */
  async rotate(): Promise<string> {
    const key = await newSigningKey(this.config.AUTH_HMAC_SECRET);
    await this.repo.insert(this.repo.sql, key);
    return key.kid;
  }

  async retire(kid: string): Promise<boolean> {
    return this.repo.retire(kid);
  }
}

/** A new ES256 key: the public half in the clear, the private half sealed (see key-sealing.ts). */
export async function newSigningKey(secret: string): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg: SIGNING_ALG, publicJwk, privateJwk: sealJwk(secret, await exportJWK(privateKey)) };
}
