import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { isOpaqueToken } from '@app/contracts';
import { ApiError, asQueryable, fromEntityManager, type Queryable, type RequestMeta, toTextRunner } from '@app/core';
import { type AuditActor, auditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { Clock } from '../common/clock.js';
import { UserBans } from '../users/user-bans.js';
import { hmac, randomToken, safeEqual, sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import { CurrentUserCache } from '../users/current-user.cache.js';
import { UserEvents } from '../users/user-events.js';
import { sealSuccessor, unsealSuccessor } from './refresh-token-seal.js';
import { type SessionRow, SessionsRepository } from './sessions.repository.js';
import { refreshTokenReuse } from './sessions.metrics.js';

export interface StartedSession {
  session: SessionRow;
  refreshToken: string;
}

export interface RevokedEverywhere {
  userId: string;
  sessionIds: string[];
  /** the outbox id of the `user.sessions-revoked` recorded for profiles */
  event?: string;
}

/** Why a session ended on request (`session.revoked`'s details.reason; the sessions row's revoked_reason). */
export type SessionEndReason = 'logout' | 'user_revoked' | 'device_revoked';

/** Who ended sessions, how, and from which request: for the audit log. */
export interface SessionEnd {
  reason: SessionEndReason;
  actor: AuditActor;
  meta?: RequestMeta;
  api?: 'insforge' | 'gorb';
  /** extra audit details (`scope` of a DELETE /sessions) */
  details?: Record<string, string>;
}

export const invalidRefreshToken = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');

/** How far a replayed successor chain is followed (tab A refreshed twice before tab B's replay). */
const MAX_REPLAY_CHAIN = 5;

/**
 * Sessions: one per sign-in, with absolute and idle lifetimes, revocable at once. Refresh tokens
 * are 256-bit opaque values stored as SHA-256 and rotated on every use. Replaying a rotated token
 * inside the grace window returns the same successor (concurrent refreshes never log a user out);
 * replaying it later is treated as theft and revokes the whole session.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly clock: Clock,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly cache: CurrentUserCache,
    private readonly events: UserEvents,
    private readonly bans: UserBans,
    private readonly audit: AuditLog,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  isLive(s: SessionRow, now = this.clock.now()): boolean {
    return !s.revokedAt && s.idleExpiresAt > now && s.absoluteExpiresAt > now;
  }

  /**
   * A new session with its first refresh token, inside the caller's transaction, after the caller
   * proved the account is theirs: a banned user gets none (see UserBans).
   */
  async start(
    m: EntityManager | Queryable,
    userId: string,
    opts: {
      api: 'insforge' | 'gorb';
      clientType: string;
      deviceName?: string | null;
      meta: RequestMeta;
      /** a sign-in (not a sign-up's first session): recorded as `sign_in.succeeded` with this method */
      signIn?: { method: 'password' | 'email_code' | 'email_verification' | (string & {}) };
    },
  ): Promise<StartedSession> {
    const now = this.clock.now().getTime();
    const absolute = new Date(now + this.config.SESSION_ABSOLUTE_TTL_SECONDS * 1000);
    const idle = new Date(Math.min(now + this.config.SESSION_IDLE_TTL_SECONDS * 1000, absolute.getTime()));
    const q = asQueryable(m);
    await this.bans.assertMayStartSession(q, userId);
    const refreshToken = randomToken();
    // The session and its first refresh token in one statement (one round trip fewer per sign-in).
    const session = await this.repo.insertSession(q, sha256(refreshToken), {
      userId,
      api: opts.api,
      clientType: opts.clientType,
      deviceName: opts.deviceName ?? null,
      userAgent: opts.meta.userAgent,
      ip: opts.meta.ip,
      csrfNonce: randomBytes(16).toString('base64url'),
      idleExpiresAt: idle,
      absoluteExpiresAt: absolute,
    });
    if (opts.signIn) {
      await this.audit.record(q, {
        type: 'sign_in.succeeded',
        actor: auditActor.user(userId),
        targetUserId: userId,
        targetId: session.id,
        meta: opts.meta,
        details: { api: opts.api, method: opts.signIn.method },
      });
    }
    return { session, refreshToken };
  }

  /** The web client's CSRF token: stable for the session's life (it survives rotation), never stored. */
  csrfTokenFor(s: Pick<SessionRow, 'id' | 'csrfNonce'>): string {
    return hmac(this.config.AUTH_HMAC_SECRET, `csrf:v1:${s.id}:${s.csrfNonce}`).toString('hex');
  }

  csrfMatches(s: Pick<SessionRow, 'id' | 'csrfNonce'>, header: string | string[] | undefined): boolean {
    if (!isOpaqueToken(header)) return false;
    return safeEqual(Buffer.from(header, 'hex'), Buffer.from(this.csrfTokenFor(s), 'hex'));
  }

  /** The live session a refresh token belongs to, without rotating it (logout, CSRF checks). */
  async sessionOfRefreshToken(token: string): Promise<SessionRow | null> {
    if (!isOpaqueToken(token)) return null;
    const found = await this.repo.findByRefreshHash(this.repo.sql, sha256(token), false);
    return found && this.isLive(found.session) ? found.session : null;
  }

  /**
   * Rotates a refresh token. `check` runs on the live session before anything changes (CSRF).
   * Throws 401 AUTH_UNAUTHORIZED for unknown, expired, revoked or stolen tokens.
   */
  async rotate(token: string, meta: RequestMeta, check?: (s: SessionRow) => void): Promise<StartedSession> {
    if (!isOpaqueToken(token)) throw invalidRefreshToken();
    const hash = sha256(token);
    const outcome = await this.repo.sql.transaction(async (m): Promise<StartedSession | { reused: RevokedEverywhere } | 'invalid'> => {
      const found = await this.repo.findByRefreshHash(m, hash, true);
      if (!found || !this.isLive(found.session)) return 'invalid';
      const { token: row, session } = found;
      check?.(session);
      const now = this.clock.now();
      if (!row.rotatedAt) {
        const next = randomToken();
        const idle = new Date(Math.min(now.getTime() + this.config.SESSION_IDLE_TTL_SECONDS * 1000, session.absoluteExpiresAt.getTime()));
        // Mark this token rotated (with its sealed successor), insert the successor and extend the
        // session: one statement, so a refresh is BEGIN, the locking read, this, COMMIT.
        await this.repo.rotate(m, {
          tokenHash: hash,
          successorSealed: sealSuccessor(token, next),
          nextHash: sha256(next),
          sessionId: session.id,
          idleExpiresAt: idle,
          ip: meta.ip,
        });
        return { session, refreshToken: next };
      }
      const live = await this.replayedSuccessor(m, token, row.rotatedAt, row.successorSealed, now);
      if (live) return { session, refreshToken: live };
      // Theft: the session dies with its record, and profiles is told in the same transaction.
      const sessionIds = await this.repo.revoke({ sessionId: session.id }, 'refresh_token_reuse', m);
      const event = sessionIds.length
        ? await this.events.sessionsRevoked(toTextRunner(m), session.userId, sessionIds, meta.requestId)
        : undefined;
      await this.audit.record(m, {
        type: 'refresh_token.reused',
        actor: auditActor.anonymous(),
        targetUserId: session.userId,
        targetId: session.id,
        meta,
        details: { api: session.api },
      });
      return { reused: { userId: session.userId, sessionIds, event } };
    });
    if (outcome === 'invalid') throw invalidRefreshToken();
    if ('reused' in outcome) {
      refreshTokenReuse.inc();
      await this.afterEnded(outcome.reused);
      throw invalidRefreshToken();
    }
    return outcome;
  }

  /** Inside the grace window: the live token at the end of the successor chain, if any. */
  private async replayedSuccessor(m: Queryable, token: string, rotatedAt: Date, sealed: Buffer | null, now: Date): Promise<string | null> {
    const graceMs = this.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    let current = token;
    let at: Date | null = rotatedAt;
    let box = sealed;
    for (let i = 0; i < MAX_REPLAY_CHAIN && at && box; i++) {
      if (now.getTime() - at.getTime() > graceMs) return null;
      const next = unsealSuccessor(current, box);
      if (!next) return null;
      const found = await this.repo.findByRefreshHash(m, sha256(next), false);
      if (!found) return null;
      if (!found.token.rotatedAt) return next;
      current = next;
      at = found.token.rotatedAt;
      box = found.token.successorSealed;
    }
    return null;
  }

  /**
   * Ends sessions of `userId` on request (logout, DELETE /sessions*, Gorb revoke and logout): one
   * named session, all but one, or those of a device name. In one transaction the sessions are
   * revoked, `session.revoked` is recorded in the audit log and `user.sessions-revoked` in the
   * outbox for profiles (whose writes would otherwise accept their access tokens until they
   * expire); after the commit every replica forgets them and the request waits, bounded, until
   * profiles refuses their tokens too. Returns how many live sessions ended (0: nothing recorded).
   */
  async end(userId: string, which: { sessionId?: string; exceptSessionId?: string; deviceName?: string }, e: SessionEnd): Promise<number> {
    const done = await this.db.transaction(async (m): Promise<RevokedEverywhere> => {
      const sessionIds = await this.repo.revoke({ userId, ...which }, e.reason, fromEntityManager(m));
      if (!sessionIds.length) return { userId, sessionIds };
      const event = await this.events.sessionsRevoked(m, userId, sessionIds, e.meta?.requestId);
      await this.audit.record(m, {
        type: 'session.revoked',
        actor: e.actor,
        targetUserId: userId,
        targetId: which.sessionId ?? null,
        meta: e.meta,
        details: { reason: e.reason, ...(e.api ? { api: e.api } : {}), count: sessionIds.length, ...e.details },
      });
      return { userId, sessionIds, event };
    });
    await this.afterEnded(done);
    return done.sessionIds.length;
  }

  /** After sessions ended on request or by reuse: as afterRevokedEverywhere, for just those sessions. */
  private async afterEnded(done: RevokedEverywhere): Promise<void> {
    if (!done.sessionIds.length) return;
    this.cache.invalidateSessions(done.sessionIds);
    if (done.event) await this.events.revocationDelivered(done.event);
  }

  /** All (or all other) sessions of a user, in a caller's transaction; returns the ids it revoked (invalidate again after commit). */
  async revokeAllIds(
    userId: string,
    reason: string,
    opts: { except?: string; m?: EntityManager; deviceName?: string } = {},
  ): Promise<string[]> {
    const ids = await this.repo.revoke(
      { userId, exceptSessionId: opts.except, deviceName: opts.deviceName },
      reason,
      opts.m ? fromEntityManager(opts.m) : undefined,
    );
    this.cache.invalidateUsers([userId]);
    return ids;
  }

  /**
   * Every session of a user, for a security reason (an account claim, a password reset), in the
   * caller's transaction: also records `user.sessions-revoked` for profiles, whose writes accept
   * any valid access token. Call `afterRevokedEverywhere` once the transaction has committed.
   */
  async revokeEverywhere(m: EntityManager, userId: string, reason: string, requestId?: string): Promise<RevokedEverywhere> {
    const sessionIds = await this.revokeAllIds(userId, reason, { m });
    const event = sessionIds.length ? await this.events.sessionsRevoked(m, userId, sessionIds, requestId) : undefined;
    return { userId, sessionIds, event };
  }

  /**
   * After the commit: every replica forgets the sessions, and the request waits (bounded, like a
   * sign-up) until profiles refuses their tokens too, so the revocation holds everywhere at once.
   */
  async afterRevokedEverywhere(done: RevokedEverywhere | undefined): Promise<void> {
    if (!done?.sessionIds.length) return;
    this.cache.invalidateUsers([done.userId]);
    if (done.event) await this.events.revocationDelivered(done.event);
  }

  listLive(userId: string): Promise<SessionRow[]> {
    return this.repo.listLive(userId);
  }
}
