import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { isOpaqueToken } from '@app/contracts';
import { ApiError, type Queryable, RateLimits, type RequestMeta } from '@app/core';
import { Clock } from '../common/clock.js';
import { hmac, randomToken, safeEqual, sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import { sealSuccessor, unsealSuccessor } from '../sessions/refresh-token-seal.js';
import { refreshTokenReuse } from '../sessions/sessions.metrics.js';
import { auditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { type AdminCredentialDigests, adminCredentialsMatch, digestsOf } from './admin-credentials.js';
import { type AdminSessionRow, AdminSessionsRepository } from './admin-sessions.repository.js';
import { AdminTokens } from './admin-tokens.js';

/** InsForge's refresh tokens live 7 days; an admin session never outlives that. */
const ADMIN_SESSION_MAX_SECONDS = 7 * 86400;
const MAX_REPLAY_CHAIN = 5;

export interface AdminSessionResult {
  body: { admin: { sub: string }; accessToken: string; csrfToken: string };
  cookie: { token: string; expiresAt: Date };
}

export const invalidAdminCredentials = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid admin credentials');
export const invalidAdminRefreshToken = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');
export const invalidCsrf = () => new ApiError(403, 'FORBIDDEN', 'Invalid CSRF token');

/**
 * The admin dashboard's sessions: sign-in against ROOT_ADMIN_USERNAME/ROOT_ADMIN_PASSWORD, then
 * stored, revocable sessions whose refresh tokens rotate on every use with the same reuse
 * detection as user sessions (a rotated token replayed after the grace window revokes the
 * session). Web only, as in InsForge: the refresh token lives in an httpOnly cookie and every
 * refresh needs the session's CSRF token.
 */
@Injectable()
export class AdminSessions {
  private readonly expected: AdminCredentialDigests;

  constructor(
    private readonly repo: AdminSessionsRepository,
    private readonly tokens: AdminTokens,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {
    this.expected = digestsOf(config.ROOT_ADMIN_USERNAME, config.ROOT_ADMIN_PASSWORD);
  }

  async signIn(username: string, password: string, meta: RequestMeta): Promise<AdminSessionResult> {
    await this.limits.consume('admin-sign-in:ip', meta.ip);
    await this.limits.assertNotBlocked('admin-sign-in-fail:ip', meta.ip);
    await this.limits.assertNotBlocked('admin-sign-in-fail', 'all');
    if (!adminCredentialsMatch({ username, password }, this.expected)) {
      await this.limits.penalize('admin-sign-in-fail:ip', meta.ip);
      await this.limits.penalize('admin-sign-in-fail', 'all');
      // What was typed is never recorded: a password typed into the user name field is a secret.
      await this.audit.record(null, { type: 'admin.sign_in.failed', actor: auditActor.anonymous(), meta });
      throw invalidAdminCredentials();
    }
    await this.limits.reset('admin-sign-in-fail:ip', meta.ip);
    const subject = `local:${username}`;
    const now = this.clock.now().getTime();
    const absolute = new Date(now + Math.min(this.config.SESSION_ABSOLUTE_TTL_SECONDS, ADMIN_SESSION_MAX_SECONDS) * 1000);
    const refreshToken = randomToken();
    const session = await this.repo.sql.transaction(async (q) => {
      const s = await this.repo.insertSession(q, {
        subject,
        userAgent: meta.userAgent,
        ip: meta.ip,
        csrfNonce: randomBytes(16).toString('base64url'),
        idleExpiresAt: this.idleUntil(now, absolute),
        absoluteExpiresAt: absolute,
      });
      await this.repo.insertRefreshToken(q, sha256(refreshToken), s.id);
      await this.audit.record(q, { type: 'admin.sign_in.succeeded', actor: { type: 'admin', id: subject }, targetId: s.id, meta });
      return s;
    });
    return this.result(session, refreshToken);
  }

  private idleUntil(now: number, absolute: Date): Date {
    return new Date(Math.min(now + this.config.SESSION_IDLE_TTL_SECONDS * 1000, absolute.getTime()));
  }

  private result(session: AdminSessionRow, refreshToken: string): AdminSessionResult {
    return {
      body: {
        admin: { sub: session.subject },
        accessToken: this.tokens.sign(session.subject, session.id),
        csrfToken: this.csrfTokenFor(session),
      },
      cookie: { token: refreshToken, expiresAt: session.absoluteExpiresAt },
    };
  }

  /** Stable for the session's life, never stored; its own HMAC domain, apart from user sessions'. */
  csrfTokenFor(s: Pick<AdminSessionRow, 'id' | 'csrfNonce'>): string {
    return hmac(this.config.AUTH_HMAC_SECRET, `csrf:v1:admin:${s.id}:${s.csrfNonce}`).toString('hex');
  }

  csrfMatches(s: Pick<AdminSessionRow, 'id' | 'csrfNonce'>, header: string | string[] | undefined): boolean {
    if (!isOpaqueToken(header)) return false;
    return safeEqual(Buffer.from(header, 'hex'), Buffer.from(this.csrfTokenFor(s), 'hex'));
  }

  private isLive(s: AdminSessionRow, now = this.clock.now()): boolean {
    return !s.revokedAt && s.idleExpiresAt > now && s.absoluteExpiresAt > now;
  }

  /** Whether the session an admin access token names is still live (logout ends its tokens). */
  async isSessionLive(sessionId: string): Promise<boolean> {
    return (await this.repo.findLive(sessionId)) !== null;
  }

  /** The cookie's session, if live, without rotating (logout). */
  async sessionOfRefreshToken(token: string): Promise<AdminSessionRow | null> {
    if (!isOpaqueToken(token)) return null;
    const found = await this.repo.findByRefreshHash(this.repo.sql, sha256(token), false);
    return found && this.isLive(found.session) ? found.session : null;
  }

  /** Rotates the cookie's refresh token after checking the CSRF header against its session. */
  async refresh(token: string | undefined, csrfHeader: string | string[] | undefined, meta: RequestMeta): Promise<AdminSessionResult> {
    await this.limits.consume('refresh:ip', meta.ip);
    if (!token) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'No admin refresh token provided');
    if (!isOpaqueToken(token)) throw invalidAdminRefreshToken();
    const hash = sha256(token);
    const outcome = await this.repo.sql.transaction(
      async (q): Promise<{ session: AdminSessionRow; refreshToken: string } | 'reused' | 'invalid'> => {
        const found = await this.repo.findByRefreshHash(q, hash, true);
        if (!found || !this.isLive(found.session)) return 'invalid';
        const { token: row, session } = found;
        if (!this.csrfMatches(session, csrfHeader)) throw invalidCsrf();
        const now = this.clock.now();
        if (!row.rotatedAt) {
          const next = randomToken();
          await this.repo.markRotated(q, hash, sealSuccessor(token, next));
          await this.repo.insertRefreshToken(q, sha256(next), session.id);
          await this.repo.touch(q, session.id, this.idleUntil(now.getTime(), session.absoluteExpiresAt), meta.ip);
          return { session, refreshToken: next };
        }
        const live = await this.replayedSuccessor(q, token, row.rotatedAt, row.successorSealed, now);
        if (live) return { session, refreshToken: live };
        await this.repo.revoke(session.id, 'refresh_token_reuse', q);
        await this.audit.record(q, {
          type: 'refresh_token.reused',
          actor: { type: 'admin', id: session.subject },
          targetId: session.id,
          meta,
          details: { sessionKind: 'admin' },
        });
        return 'reused';
      },
    );
    if (outcome === 'reused') refreshTokenReuse.inc();
    if (outcome === 'reused' || outcome === 'invalid') throw invalidAdminRefreshToken();
    return this.result(outcome.session, outcome.refreshToken);
  }

  /** Inside the grace window, the live token at the end of the successor chain (two tabs, a lost answer). */
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
   * InsForge's logout policy: a live admin cookie needs its CSRF token (no forced logout from
   * another site); a stale, unknown or user cookie is just cleared. Ours also revokes the session,
   * so its access tokens stop at once.
   */
  async logout(token: string | undefined, csrfHeader: string | string[] | undefined, meta: RequestMeta): Promise<void> {
    if (!token) return;
    const session = await this.sessionOfRefreshToken(token);
    if (!session) return;
    if (!this.csrfMatches(session, csrfHeader)) throw invalidCsrf();
    await this.repo.sql.transaction(async (q) => {
      if (!(await this.repo.revoke(session.id, 'logout', q))) return;
      await this.audit.record(q, { type: 'admin.signed_out', actor: { type: 'admin', id: session.subject }, targetId: session.id, meta });
    });
  }
}
