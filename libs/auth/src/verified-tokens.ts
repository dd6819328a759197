import type { Principal } from './principal.js';

/** A verified token is trusted again without its signature check for at most this long. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_ENTRIES = 20_000;

/**
 * Tokens this process has already verified, keyed by the exact token string (which nobody can
 * produce without the signature), until their `exp`, for a minute at most, and never past the
 * moment the verifying key must be looked up again (`keyTrustedUntil`): a retired key stops being
 * honoured within the key resolver's refresh period, cache or not. The ES256 check costs about 0.1 ms of main-thread CPU: on the
 * hottest routes, most of a request.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  get(token: string, now = Date.now()): Principal | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return e.principal;
  }

  set(token: string, principal: Principal, now = Date.now(), keyTrustedUntil = now): void {
    const until = Math.min(principal.exp * 1000, now + VERIFIED_TOKEN_TTL_MS, keyTrustedUntil);
    if (until <= now) return;
    this.sweep(now);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, { principal, until });
  }

  /**
   * Drops expired entries from the oldest end. Entries go in in time order and live a minute at
   * most, so the oldest are the first to expire: memory follows the tokens seen in the last minute
   * instead of filling up to MAX_ENTRIES with dead ones (seen as a slow RSS climb in `npm run soak`).
   * The sweep stops at the first live entry: amortised O(1) per insert.
   */
  private sweep(now: number): void {
    for (const [token, e] of this.entries) {
      if (e.until > now) return;
      this.entries.delete(token);
    }
  }

  /** How many tokens are held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Forgets the tokens of revoked sessions or of whole users, so that the next request verifies
   * its token again instead of riding on an earlier check (identity calls this with every
   * invalidation of its session caches, on every replica).
   */
  forget(what: { users?: readonly string[]; sessions?: readonly string[] }): void {
    const users = new Set(what.users ?? []);
    const sessions = new Set(what.sessions ?? []);
    if (!users.size && !sessions.size) return;
    for (const [token, e] of this.entries) {
      if (users.has(e.principal.userId) || sessions.has(e.principal.sessionId)) this.entries.delete(token);
    }
  }
}
