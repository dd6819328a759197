import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A public key, and until when a verification made with it may be trusted without a new lookup. */
export interface ResolvedKey {
  key: KeyObject;
  /**
   * ms since the epoch. By then the resolver has looked its keys up again, so a key retired since
   * is gone; caches of verified tokens (verified-tokens.ts) must not outlive it.
   */
  trustedUntil: number;
}

/** Finds the public key for a token's `kid`; undefined for a key we do not know (or no longer trust). */
export interface KeyResolver {
  resolve(kid: string): Promise<ResolvedKey | undefined>;
}
export const KEY_RESOLVER = Symbol('KEY_RESOLVER');

/** Bounds of JWKS_REFRESH_SECONDS: a retired key stops verifying within one period. */
export const JWKS_REFRESH_SECONDS = { default: 60, min: 1, max: 600 } as const;

/** At most one refetch per this long for kids we do not know (garbage kids cannot hammer identity). */
const UNKNOWN_KID_COOLDOWN_MS = 30_000;
/** After a failed fetch, the next attempt waits this long (requests do not each wait on a dead identity). */
const RETRY_AFTER_FAILURE_MS = 1_000;
const FETCH_TIMEOUT_MS = 3_000;
const MAX_KEYS = 100;

export type JwksFetcher = (url: string) => Promise<unknown>;

const fetchJson: JwksFetcher = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`JWKS ${url} answered ${res.status}`);
  return res.json();
};

/** The ES256 public keys of a JWKS document, by kid; anything else in it is ignored. */
export function es256KeysOf(doc: unknown): Map<string, KeyObject> {
  const out = new Map<string, KeyObject>();
  const keys = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new Error('not a JWKS document');
  for (const jwk of keys.slice(0, MAX_KEYS) as Record<string, unknown>[]) {
    if (!jwk || typeof jwk.kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') continue;
    if ((jwk.alg ?? 'ES256') !== 'ES256' || (jwk.use ?? 'sig') !== 'sig') continue;
    try {
      const { kty, crv, x, y } = jwk;
      out.set(jwk.kid, createPublicKey({ key: { kty, crv, x, y } as JsonWebKey, format: 'jwk' }));
    } catch {
      /* a malformed key is no key */
    }
  }
  return out;
}

/**
 * Public keys from identity's JWKS endpoint. The whole set is fetched again once it is
 * `refreshSeconds` old (and, at most every 30 s, when an unknown kid shows up, so a new key is
 * learned at once). A key is trusted only while the set it came from is younger than the period:
 * a retired key stops verifying within one period. If identity cannot be reached for longer, no
 * key is trusted (401) until it can: we cannot tell a retired key from a live one without it.
 */
export class RemoteJwksResolver implements KeyResolver {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private failedAt = Number.NEGATIVE_INFINITY;
  private inflight?: Promise<void>;
  private readonly refreshMs: number;

  constructor(
    private readonly url: string,
    refreshSeconds: number = JWKS_REFRESH_SECONDS.default,
    private readonly now: () => number = Date.now,
    private readonly fetchJwks: JwksFetcher = fetchJson,
  ) {
    const s = Math.min(Math.max(refreshSeconds, JWKS_REFRESH_SECONDS.min), JWKS_REFRESH_SECONDS.max);
    this.refreshMs = s * 1000;
  }

  async resolve(kid: string): Promise<ResolvedKey | undefined> {
    const now = this.now();
    const stale = now - this.fetchedAt >= this.refreshMs;
    const unknown = !this.keys.has(kid) && now - this.attemptedAt >= Math.min(UNKNOWN_KID_COOLDOWN_MS, this.refreshMs);
    if ((stale || unknown) && now - this.failedAt >= RETRY_AFTER_FAILURE_MS) await this.refresh();
    const key = this.keys.get(kid);
    const trustedUntil = this.fetchedAt + this.refreshMs;
    return key && trustedUntil > this.now() ? { key, trustedUntil } : undefined;
  }

  /** One fetch at a time, shared by every request that needs it. */
  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      const started = this.now();
      this.attemptedAt = started;
      try {
        this.keys = es256KeysOf(await this.fetchJwks(this.url));
        // The set is as old as the moment we asked for it, not the moment it arrived.
        this.fetchedAt = started;
      } catch {
        this.failedAt = this.now();
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
