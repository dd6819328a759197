import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { isOpaqueToken } from '@app/contracts';
import { ApiError, type Queryable, type RequestMeta, Sql, type Tx } from '@app/core';
import { type AuditActor, auditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { Clock } from '../common/clock.js';
import { UserBans } from '../users/user-bans.js';
import { hmac, randomToken, safeEqual, sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import { CurrentUserCache } from '../users/current-user.cache.js';
import type { UserRecord } from '../users/users.repository.js';
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

/** What a refresh requires of the session (see `rotate`). */
export interface RotationRules {
  api: 'insforge' | 'gorb';
  /** web clients: the X-CSRF-Token header, which must match the session */
  csrf?: { header: string | string[] | undefined };
}

/** How `rotateUnused` went: rotated (with the session's user), or refused before anything changed. */
export type UnusedRotation = ({ ok: true; user: UserRecord } & StartedSession) | { ok: false; error: 'invalid' | 'csrf' };

/** How a rotation went; a reuse carries the revocation, to wait for after the commit (`revocationDelivered`). */
export type Rotation =
  ({ ok: true } & StartedSession) | { ok: false; error: 'invalid' | 'csrf' } | { ok: false; error: 'reused'; revoked: RevokedEverywhere };

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
    private readonly sql: Sql,
  ) {}

  isLive(s: SessionRow, now = this.clock.now()): boolean {
    return !s.revokedAt && s.idleExpiresAt > now && s.absoluteExpiresAt > now;
  }

  /**
   * A new session with its first refresh token, inside the caller's transaction, after the caller
   * proved the account is theirs: a banned user gets none (see UserBans).
   */
  async start(
    tx: Tx,
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
    const refreshToken = randomToken();
    // The ban check, the session and its first refresh token in one statement (two round trips
    // fewer per sign-in); nothing is written for a banned or vanished user.
    const { user, session } = await this.repo.insertSession(tx, sha256(refreshToken), {
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
    this.bans.assertMayStartSession(user);
    if (!session) throw new Error('a session start wrote nothing for an active user');
    if (opts.signIn) {
      await this.audit.record(tx, {
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
   * Rotates a refresh token inside the caller's transaction and says how it went; nothing throws
   * here, so a theft's revocation commits with the caller's transaction. `expect` is what the
   * caller's API requires of the session: its API (a Gorb session refreshes through /v1 only),
   * and for a web client the CSRF header that matches it. A replay after the grace window is
   * treated as theft: the session is revoked (and forgotten by every replica after the commit).
   */
  async rotate(tx: Tx, token: string, meta: RequestMeta, expect: RotationRules): Promise<Rotation> {
    if (!isOpaqueToken(token)) return { ok: false, error: 'invalid' };
    const hash = sha256(token);
    const found = await this.repo.findByRefreshHash(tx, hash, true);
    if (!found || !this.isLive(found.session) || found.session.api !== expect.api) return { ok: false, error: 'invalid' };
    const { token: row, session } = found;
    if (expect.csrf && !this.csrfMatches(session, expect.csrf.header)) return { ok: false, error: 'csrf' };
    const now = this.clock.now();
    if (!row.rotatedAt) {
      const next = randomToken();
      const idle = new Date(Math.min(now.getTime() + this.config.SESSION_IDLE_TTL_SECONDS * 1000, session.absoluteExpiresAt.getTime()));
      // Mark this token rotated (with its sealed successor), insert the successor and extend the
      // session: one statement, so a refresh is BEGIN, the locking read, this, COMMIT.
      await this.repo.rotate(tx, {
        tokenHash: hash,
        successorSealed: sealSuccessor(token, next),
        nextHash: sha256(next),
        sessionId: session.id,
        idleExpiresAt: idle,
        ip: meta.ip,
      });
      return { ok: true, session, refreshToken: next };
    }
    const live = await this.replayedSuccessor(tx, token, row.rotatedAt, row.successorSealed, now);
    if (live) return { ok: true, session, refreshToken: live };
    // Theft: the session dies with its record, and profiles is told in the same transaction.
    const sessionIds = await this.repo.revoke({ sessionId: session.id }, 'refresh_token_reuse', tx);
    const event = sessionIds.length ? await this.events.sessionsRevoked(tx, session.userId, sessionIds, meta.requestId) : undefined;
    await this.audit.record(tx, {
      type: 'refresh_token.reused',
      actor: auditActor.anonymous(),
      targetUserId: session.userId,
      targetId: session.id,
      meta,
      details: { api: session.api },
    });
    refreshTokenReuse.inc();
    this.cache.forgetSessionsAfterCommit(tx, sessionIds);
    return { ok: false, error: 'reused', revoked: { userId: session.userId, sessionIds, event } };
  }

  /**
   * A refresh's common case without a transaction: an unused token of a live session, rotated in
   * one statement that also reads its user (`SessionsRepository.rotateUnused`); a web client's CSRF header is checked first
   * against the session, as `rotate` checks it. `null` when it is not that case (unknown token, a
   * replay, a session that is not live): nothing changed, and the caller runs `rotate` in a
   * transaction, which tells a replay inside the grace window from a theft.
   */
  async rotateUnused(token: string, meta: RequestMeta, expect: RotationRules): Promise<UnusedRotation | null> {
    if (!isOpaqueToken(token)) return { ok: false, error: 'invalid' };
    const hash = sha256(token);
    const now = this.clock.now();
    let sessionId: string | null = null;
    if (expect.csrf) {
      const found = await this.repo.findByRefreshHash(this.repo.sql, hash, false);
      if (!found || found.token.rotatedAt || !this.isLive(found.session, now) || found.session.api !== expect.api) return null;
      if (!this.csrfMatches(found.session, expect.csrf.header)) return { ok: false, error: 'csrf' };
      sessionId = found.session.id;
    }
    const next = randomToken();
    const rotated = await this.repo.rotateUnused({
      tokenHash: hash,
      successorSealed: sealSuccessor(token, next),
      nextHash: sha256(next),
      api: expect.api,
      sessionId,
      now,
      idleTtlSeconds: this.config.SESSION_IDLE_TTL_SECONDS,
      ip: meta.ip,
    });
    return rotated ? { ok: true, ...rotated, refreshToken: next } : null;
  }

  /** Inside the grace window: the live token at the end of the successor chain, if any. */
  private async replayedSuccessor(q: Queryable, token: string, rotatedAt: Date, sealed: Buffer | null, now: Date): Promise<string | null> {
    const graceMs = this.config.REFRESH_REUSE_GRACE_SECONDS * 1000;
    let current = token;
    let at: Date | null = rotatedAt;
    let box = sealed;
    for (let i = 0; i < MAX_REPLAY_CHAIN && at && box; i++) {
      if (now.getTime() - at.getTime() > graceMs) return null;
      const next = unsealSuccessor(current, box);
      if (!next) return null;
      const found = await this.repo.findByRefreshHash(q, sha256(next), false);
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
    const done = await this.sql.transaction(async (tx): Promise<RevokedEverywhere> => {
      const sessionIds = await this.repo.revoke({ userId, ...which }, e.reason, tx);
      if (!sessionIds.length) return { userId, sessionIds };
      this.cache.forgetSessionsAfterCommit(tx, sessionIds);
      const event = await this.events.sessionsRevoked(tx, userId, sessionIds, e.meta?.requestId);
      await this.audit.record(tx, {
        type: 'session.revoked',
        actor: e.actor,
        targetUserId: userId,
        targetId: which.sessionId ?? null,
        meta: e.meta,
        details: { reason: e.reason, ...(e.api ? { api: e.api } : {}), count: sessionIds.length, ...e.details },
      });
      return { userId, sessionIds, event };
    });
    await this.revocationDelivered(done);
    return done.sessionIds.length;
  }

  /**
   * Every session of a user, for a security reason (an account claim, a password reset), in the
   * caller's transaction: also records `user.sessions-revoked` for profiles, whose writes accept
   * any valid access token. Every replica forgets the sessions after the commit; call
   * `revocationDelivered` then to wait until profiles refuses their tokens too.
   */
  async revokeEverywhere(tx: Tx, userId: string, reason: string, requestId?: string): Promise<RevokedEverywhere> {
    const sessionIds = await this.repo.revoke({ userId }, reason, tx);
    this.cache.forgetUsersAfterCommit(tx, [userId]);
    const event = sessionIds.length ? await this.events.sessionsRevoked(tx, userId, sessionIds, requestId) : undefined;
    return { userId, sessionIds, event };
  }

  /**
   * After the commit: the request waits (bounded, like a sign-up) until profiles refuses the
   * revoked sessions' tokens too, so the revocation holds everywhere at once.
   */
  async revocationDelivered(done: RevokedEverywhere | undefined): Promise<void> {
    if (done?.event) await this.events.revocationDelivered(done.event);
  }

  listLive(userId: string): Promise<SessionRow[]> {
    return this.repo.listLive(userId);
  }
}
