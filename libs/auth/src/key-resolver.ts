import { createRemoteJWKSet, type JWSHeaderParameters } from 'jose';
import { KeyObject } from 'node:crypto';

/** Finds the public key for a token's `kid`; undefined for a key we do not know. */
export interface KeyResolver {
  resolve(kid: string): Promise<KeyObject | undefined>;
}
export const KEY_RESOLVER = Symbol('KEY_RESOLVER');

/**
 * Public keys from identity's JWKS endpoint (jose's remote key set: cached, refetched when an
 * unknown `kid` shows up, with a cooldown so garbage kids cannot make us hammer identity).
 */
export class RemoteJwksResolver implements KeyResolver {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly cache = new Map<string, KeyObject>();

  constructor(url: string) {
    this.jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 3000 });
  }

  async resolve(kid: string): Promise<KeyObject | undefined> {
    const hit = this.cache.get(kid);
    if (hit) return hit;
    try {
      const key = await this.jwks({ alg: 'ES256', kid } as JWSHeaderParameters);
      const obj = key instanceof KeyObject ? key : KeyObject.from(key as CryptoKey);
      if (this.cache.size > 100) this.cache.clear();
      this.cache.set(kid, obj);
      return obj;
    } catch {
      return undefined;
    }
  }
}
