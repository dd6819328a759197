import { Inject, Injectable } from '@nestjs/common';
import type { BearerCredential } from '@app/auth';
import type { ClientKind, SessionTokensResponse, SignInRequest, SignUpRequest, SignUpResponse } from '@app/contracts';
import { ApiError, invalidInput, RateLimits, type RequestMeta, Sql } from '@app/core';
import { type AuditActor, auditActor } from '../../core/audit/audit-event.js';
import { AuditLog } from '../../core/audit/audit-log.js';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import { CodesService } from '../../core/codes/codes.service.js';
import { EmailService } from '../../core/codes/email.service.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { PasswordHasher } from '../../core/passwords/password-hasher.js';
import { normalizePassword, passwordPolicyProblem } from '../../core/passwords/password-policy.js';
import type { SessionRow } from '../../core/sessions/sessions.repository.js';
import { SessionsService } from '../../core/sessions/sessions.service.js';
import { AccessTokens } from '../../core/tokens/access-tokens.service.js';
import { PasswordCheck } from '../../core/sign-in/password-check.js';
import { RedirectCheck } from '../../core/sign-in/redirect-check.js';
import { SessionIssuer } from '../../core/sign-in/session-issuer.js';
import type { AuthResult } from '../../core/sign-in/session-result.js';
import { toRefreshBody } from './session.mapper.js';
import { UserEvents } from '../../core/users/user-events.js';
import { CurrentUserCache } from '../../core/users/current-user.cache.js';
import { type ClaimOutcome, EmailClaims } from '../../core/sign-in/email-claims.service.js';
import { toUserResponse } from '../../core/users/user.mapper.js';
import { type UserRecord, UniqueViolation, UsersRepository } from '../../core/users/users.repository.js';

const invalidOtp = () => invalidInput('Invalid or expired verification code');

/**
 * The InsForge account and session API: sign-up, sign-in (password or emailed code), refresh,
 * logout and the current user, with InsForge's bodies and codes and our safer behaviour.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly sql: Sql,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordCheck,
    private readonly issuer: SessionIssuer,
    private readonly redirects: RedirectCheck,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
    private readonly authConfig: AuthConfigService,
    private readonly limits: RateLimits,
    private readonly events: UserEvents,
    private readonly email: EmailService,
    private readonly codes: CodesService,
    private readonly currentUsers: CurrentUserCache,
    private readonly claims: EmailClaims,
    private readonly audit: AuditLog,
  ) {}

  /**
   * `admin`: an API key or an admin token (InsForge's "admin creation"): past `disableSignup`, no
   * redirect needed, no verification mail, `autoConfirm` honoured (the email counts as verified),
   * and no refresh token or cookie for the caller, only the new user's access token. `admin` names
   * that admin or key (the audit record's actor).
   */
  async signUp(req: SignUpRequest, client: ClientKind, meta: RequestMeta, admin?: AuditActor): Promise<AuthResult<SignUpResponse>> {
    const byAdmin = admin !== undefined;
    await this.limits.consume('sign-up:ip', meta.ip);
    const cfg = await this.authConfig.get();
    if (cfg.disableSignup && !byAdmin) throw new ApiError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.');
    const password = normalizePassword(req.password);
    const problem = passwordPolicyProblem(password, cfg);
    if (problem) throw invalidInput(problem);
    const verify = cfg.requireEmailVerification;
    const confirmed = byAdmin && req.autoConfirm === true;
    if (verify && !byAdmin && cfg.verifyEmailMethod === 'link') {
      if (!req.redirectTo) throw invalidInput('redirectTo is required when link-based email verification is enabled');
      this.redirects.assertAllowed(req.redirectTo, cfg);
    } else if (req.redirectTo) {
      this.redirects.assertAllowed(req.redirectTo, cfg);
    }
    const passwordHash = await this.hasher.hash(password);
    const profile = req.name ? { name: req.name } : {};
    let started: { user: UserRecord; registeredEvent: string; session?: SessionRow; refreshToken?: string };
    try {
      started = await this.sql.transaction(async (tx) => {
        const user = await this.users.insert(tx, { email: req.email, passwordHash, emailVerified: confirmed, profile });
        await this.audit.record(tx, {
          type: 'user.created',
          actor: admin ?? auditActor.anonymous(),
          targetUserId: user.id,
          meta,
          details: { api: 'insforge', method: 'password', ...(admin ? { autoConfirm: confirmed } : {}) },
        });
        const registeredEvent = await this.events.registered(tx, user, profile, meta.requestId);
        if (verify && byAdmin) return { user, registeredEvent };
        if (verify) {
          await this.email.recordVerification(
            tx,
            { email: user.email, name: req.name },
            cfg.verifyEmailMethod,
            req.redirectTo,
            meta.requestId,
          );
          return { user, registeredEvent };
        }
        const s = await this.issuer.start(tx, user.id, byAdmin ? 'server' : client, meta);
        return { user, registeredEvent, session: s.session, refreshToken: s.refreshToken };
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new ApiError(409, 'AUTH_EMAIL_EXISTS', 'User already exists');
      throw err;
    }
    // Read your writes: the client may read its profile (served by profiles) right after this.
    await this.events.registeredDelivered(started.registeredEvent);
    if (verify || !started.session) return { body: { accessToken: null, requireEmailVerification: verify && !confirmed } };
    if (byAdmin) {
      const accessToken = await this.tokens.sign(started.user, started.session.id);
      return { body: { user: toUserResponse(started.user), accessToken, requireEmailVerification: false } };
    }
    const out = await this.issuer.issue(started.user, started.session, started.refreshToken!, client);
    return { ...out, body: { ...out.body, requireEmailVerification: false } };
  }

  async signIn(req: SignInRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SessionTokensResponse>> {
    return req.method === 'otp'
      ? this.signInWithOtp(req, client, meta)
      : this.signInWithPassword(req.email, req.password ?? '', client, meta);
  }

  /** Unknown email, password-less account and wrong password answer alike, after the same hash work. */
  async signInWithPassword(
    email: string,
    rawPassword: string,
    client: ClientKind,
    meta: RequestMeta,
  ): Promise<AuthResult<SessionTokensResponse>> {
    const user = await this.passwords.check(email, rawPassword, meta);
    // Prepared statements on one connection: the check (with the live auth config), the ban check
    // and the session with its first refresh token, between BEGIN and COMMIT.
    const s = await this.sql.transaction(async (tx) => {
      await this.passwords.assertUnchanged(
        tx,
        user,
        () => new ApiError(403, 'FORBIDDEN', 'Email verification required', 'Please verify your email address before logging in'),
      );
      return this.issuer.start(tx, user.id, client, meta, { method: 'password' });
    });
    return this.issuer.issue(user, s.session, s.refreshToken, client);
  }

  /** Email-code sign-in; a new email becomes a password-less, verified user unless sign-up is off. */
  private async signInWithOtp(req: SignInRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SessionTokensResponse>> {
    await this.limits.assertNotBlocked('verify-fail:ip', meta.ip);
    const cfg = await this.authConfig.get();
    let claim: ClaimOutcome | undefined;
    let registeredEvent: string | undefined;
    const outcome = await this.sql.transaction(
      async (tx): Promise<{ user: UserRecord; session: SessionRow; refreshToken: string } | { bad: string | null } | 'disabled'> => {
        const check = await this.codes.consumeCode(tx, req.email, 'sign_in', req.otp!);
        if (!check.ok) return { bad: (await this.users.findByEmail(req.email, tx))?.id ?? null };
        let user = await this.users.findByEmail(req.email, tx);
        if (!user) {
          if (cfg.disableSignup) return 'disabled';
          const profile = req.name ? { name: req.name } : {};
          user = await this.users.insert(tx, { email: req.email, passwordHash: null, emailVerified: true, profile });
          await this.audit.record(tx, {
            type: 'user.created',
            actor: auditActor.anonymous(),
            targetUserId: user.id,
            meta,
            details: { api: 'insforge', method: 'email_code' },
          });
          registeredEvent = await this.events.registered(tx, user, profile, meta.requestId);
        } else {
          claim = await this.claims.claim(tx, user.id, 'sign-in-code', meta.requestId);
        }
        await this.users.addProvider(tx, user.id, 'email', req.email, { method: 'otp' });
        user = (await this.users.findById(user.id, tx))!;
        const s = await this.issuer.start(tx, user.id, client, meta, { method: 'email_code' });
        return { user, ...s };
      },
    );
    await this.claims.delivered(claim);
    if (typeof outcome === 'object' && 'bad' in outcome) {
      await this.limits.penalize('verify-fail:ip', meta.ip);
      await this.audit.record(null, {
        type: 'sign_in.failed',
        actor: auditActor.anonymous(),
        targetUserId: outcome.bad,
        meta,
        details: { api: 'insforge', method: 'email_code', reason: 'invalid_code' },
      });
      throw invalidOtp();
    }
    if (outcome === 'disabled') throw new ApiError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.');
    if (registeredEvent) await this.events.registeredDelivered(registeredEvent);
    return this.issuer.issue(outcome.user, outcome.session, outcome.refreshToken, client);
  }

  /** Web: cookie + X-CSRF-Token. Others: the token in the body (either spelling). */
  async refresh(
    client: ClientKind,
    input: { cookie?: string; csrfHeader?: string | string[]; bodyToken?: string },
    meta: RequestMeta,
  ): Promise<AuthResult<SessionTokensResponse>> {
    await this.limits.consume('refresh:ip', meta.ip);
    let token: string;
    if (client === 'web') {
      if (!input.cookie) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'No refresh token provided');
      token = input.cookie;
    } else {
      if (!input.bodyToken) throw invalidInput('refreshToken: Required');
      token = input.bodyToken;
    }
    const out = await this.issuer.refresh(token, client, input.csrfHeader, meta);
    return { ...out, body: toRefreshBody(out.body) };
  }

  /**
   * Revokes the session at once. Web: a live cookie needs a valid X-CSRF-Token (no forced logout
   * from another site); a stale cookie is just cleared. Others: the session named by the access
   * token's `sid` or by a refresh token in the body. Always idempotent.
   */
  async logout(
    client: ClientKind,
    input: { cookie?: string; csrfHeader?: string | string[]; bearer: BearerCredential; bodyToken?: string },
    meta: RequestMeta,
  ): Promise<AuthResult<{ success: true; message: string }>> {
    const end = (userId: string, sessionId: string) =>
      this.sessions.end(userId, { sessionId }, { reason: 'logout', actor: auditActor.user(userId), meta, api: 'insforge' });
    const done = { success: true as const, message: 'Logged out successfully' };
    if (input.bearer.kind === 'malformed') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    if (client === 'web' && input.cookie) {
      const session = await this.sessions.sessionOfRefreshToken(input.cookie);
      if (session) {
        if (!this.sessions.csrfMatches(session, input.csrfHeader)) throw new ApiError(403, 'FORBIDDEN', 'Invalid CSRF token');
        await end(session.userId, session.id);
      }
      return { body: done, cookie: 'clear' };
    }
    if (input.bodyToken) {
      const session = await this.sessions.sessionOfRefreshToken(input.bodyToken);
      if (session) await end(session.userId, session.id);
    } else if (input.bearer.kind === 'token') {
      const caller = await this.tokens.verify(input.bearer.token);
      if (caller) await end(caller.userId, caller.sessionId);
    }
    return { body: done, cookie: client === 'web' ? 'clear' : undefined };
  }

  /** The caller's user, if the session behind the access token is still live. */
  async current(userId: string, sessionId: string) {
    const cached = this.currentUsers.get(userId, sessionId);
    if (cached) return { user: cached };
    const found = await this.users.findWithSession(userId, sessionId);
    if (!found) throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'User not found');
    if (!found.sessionLive) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    const user = toUserResponse(found.user);
    this.currentUsers.set(userId, sessionId, user);
    return { user };
  }
}
