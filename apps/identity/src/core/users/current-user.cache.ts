import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { VerifiedTokens } from '@app/auth';
import type { UserResponse } from '@app/contracts';
import { REDIS, type Tx } from '@app/core';

const CHANNEL = 'auth:identity:invalidate';
/** How long an answer of `GET /sessions/current` may be reused without asking PostgreSQL. */
export const CURRENT_USER_TTL_MS = 2000;
const MAX_ENTRIES = 50_000;

interface Invalidation {
  users?: string[];
  sessions?: string[];
}

/**
 * A short-lived, per-replica cache of `GET /sessions/current` (the user as returned, for a live
 * session), so the hottest authenticated route does not cost a database round trip each time.
 * Every change that could alter an answer invalidates it here at once and, through Redis pub/sub,
 * on the other replicas; if Redis is away at that moment, other replicas serve at most
 * CURRENT_USER_TTL_MS of a stale answer (the access token itself is verified on every request).
 */
@Injectable()
export class CurrentUserCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CurrentUserCache');
  private readonly entries = new Map<string, { userId: string; user: UserResponse; expires: number }>();
  private sub?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly verifiedTokens: VerifiedTokens,
  ) {}

  get(userId: string, sessionId: string): UserResponse | undefined {
    const e = this.entries.get(sessionId);
    if (!e) return undefined;
    if (e.expires <= Date.now() || e.userId !== userId) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return e.user;
  }

  set(userId: string, sessionId: string, user: UserResponse): void {
    const now = Date.now();
    // Every entry lives CURRENT_USER_TTL_MS: kept in insertion order (a refreshed entry moves to the
    // end), the expired ones are at the front, and dropping them there keeps memory to the sessions
    // of the last seconds rather than up to MAX_ENTRIES dead ones.
    for (const [sid, e] of this.entries) {
      if (e.expires > now) break;
      this.entries.delete(sid);
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { userId, user, expires: now + CURRENT_USER_TTL_MS });
  }

  /** How many sessions are held (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Once `tx` has committed (never before: a read in between would cache the old row again, and
   * never after a rollback), every replica forgets these users; once per transaction however many
   * writes ask.
   */
  forgetUsersAfterCommit(tx: Tx, userIds: string[]): void {
    if (userIds.length) tx.afterCommit(() => this.invalidateUsers(userIds), `users.invalidate:${userIds.join(',')}`);
  }

  /** As forgetUsersAfterCommit, for sessions. */
  forgetSessionsAfterCommit(tx: Tx, sessionIds: string[]): void {
    if (sessionIds.length) tx.afterCommit(() => this.invalidateSessions(sessionIds), `sessions.invalidate:${sessionIds.join(',')}`);
  }

  invalidateUsers(userIds: string[]): void {
    this.apply({ users: userIds });
    this.publish({ users: userIds });
  }

  invalidateSessions(sessionIds: string[]): void {
    this.apply({ sessions: sessionIds });
    this.publish({ sessions: sessionIds });
  }

  private apply(msg: Invalidation): void {
    // The access-token guard's reuse of verified tokens forgets the same sessions and users.
    this.verifiedTokens.forget(msg);
    for (const sid of msg.sessions ?? []) this.entries.delete(sid);
    if (msg.users?.length) {
      const users = new Set(msg.users);
      for (const [sid, e] of this.entries) if (users.has(e.userId)) this.entries.delete(sid);
    }
  }

  private publish(msg: Invalidation): void {
    this.redis.publish(CHANNEL, JSON.stringify(msg)).catch(() => undefined);
  }

  async onModuleInit(): Promise<void> {
    // Subscribing waits for Redis (offline queue) instead of timing out and never resubscribing.
    this.sub = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: true, commandTimeout: undefined });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (_channel: string, raw: string) => {
      try {
        this.apply(JSON.parse(raw) as Invalidation);
      } catch {
        this.logger.warn('ignored a malformed invalidation message');
      }
    });
    // A replica that missed messages while Redis was away forgets everything it cached.
    this.sub.on('ready', () => this.entries.clear());
    void this.sub.subscribe(CHANNEL).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }
}
