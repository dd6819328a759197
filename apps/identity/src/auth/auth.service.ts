import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BearerCredential } from '@app/auth';
import type { ClientKind, SessionTokensResponse, SignInRequest, SignUpRequest, SignUpResponse } from '@app/contracts';
import { ApiError, invalidInput, RateLimits, type RequestMeta } from '@app/core';
import type { AuthConfig } from '../auth-config/auth-config.entity.js';
import { AuthConfigService } from '../auth-config/auth-config.service.js';
import { isRedirectAllowed } from '../auth-config/redirect-allowlist.js';
import { safeEqual } from '../common/secrets.js';
import { CodesService } from '../email/codes.service.js';
import { EmailService } from '../email/email.service.js';
import { IdentityConfig } from '../identity.config.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { normalizePassword, passwordPolicyProblem } from '../passwords/password-policy.js';
import type { SessionRow } from '../sessions/sessions.repository.js';
import { invalidRefreshToken, SessionsService } from '../sessions/sessions.service.js';
import { AccessTokens } from '../tokens/access-tokens.service.js';
import { UserEvents } from '../users/user-events.js';
import { CurrentUserCache } from '../users/current-user.cache.js';
import { type ClaimOutcome, EmailClaims } from '../users/email-claims.service.js';
import { toUserResponse } from '../users/user.mapper.js';
import { type UserRecord, UniqueViolation, UsersRepository } from '../users/users.repository.js';
import { parseOrigins } from '@app/core';

/** What a controller sends: the body, and what to do with the web refresh cookie. */
export interface AuthResult<T> {
  body: T;
  cookie?: { token: string; expiresAt: Date } | 'clear';
}

export const invalidCredentials = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials');
const invalidOtp = () => invalidInput('Invalid or expired verification code');

/**
 * The InsForge account and session API: sign-up, sign-in (password or emailed code), refresh,
 * logout and the current user, with InsForge's bodies and codes and our safer behaviour.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
    private readonly authConfig: AuthConfigService,
    private readonly limits: RateLimits,
    private readonly events: UserEvents,
    private readonly email: EmailService,
    private readonly codes: CodesService,
    private readonly currentUsers: CurrentUserCache,
    private readonly claims: EmailClaims,
  ) {}

  /** Sign-up accepts no credential, our anon key, or a valid access token; anything else is refused. */
  async checkSignUpCredential(credential: BearerCredential): Promise<void> {
    if (credential.kind === 'none') return;
    if (credential.kind === 'malformed') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    const bearer = credential.token;
    if (bearer.startsWith('anon_')) {
      if (!safeEqual(Buffer.from(bearer), Buffer.from(this.config.ANON_KEY)))
        throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'Invalid anon key');
      return;
    }
    if (!(await this.tokens.verify(bearer))) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
  }

  private trustedOrigins(): string[] {
    return [new URL(this.config.PUBLIC_BASE_URL).origin, ...parseOrigins(this.config.CORS_ORIGINS)];
  }

  assertRedirectAllowed(redirectTo: string, cfg: AuthConfig): void {
    if (!isRedirectAllowed(redirectTo, cfg.allowedRedirectUrls, this.trustedOrigins())) {
      throw invalidInput(
        `${redirectTo} is not in the allowed redirect URLs`,
        'Please add this URL to the allowed redirect URLs in the authentication configuration.',
      );
    }
  }

  async signUp(req: SignUpRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SignUpResponse>> {
    await this.limits.consume('sign-up:ip', meta.ip);
    const cfg = await this.authConfig.get();
    if (cfg.disableSignup) throw new ApiError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.');
    const password = normalizePassword(req.password);
    const problem = passwordPolicyProblem(password, cfg);
    if (problem) throw invalidInput(problem);
    const verify = cfg.requireEmailVerification;
    if (verify && cfg.verifyEmailMethod === 'link') {
      if (!req.redirectTo) throw invalidInput('redirectTo is required when link-based email verification is enabled');
      this.assertRedirectAllowed(req.redirectTo, cfg);
    } else if (req.redirectTo) {
      this.assertRedirectAllowed(req.redirectTo, cfg);
    }
    const passwordHash = await this.hasher.hash(password);
    const profile = req.name ? { name: req.name } : {};
    let started: { user: UserRecord; registeredEvent: string; session?: SessionRow; refreshToken?: string };
    try {
      started = await this.db.transaction(async (m) => {
        const user = await this.users.insert(m, { email: req.email, passwordHash, emailVerified: false, profile });
        const registeredEvent = await this.events.registered(m, user, profile, meta.requestId);
        if (verify) {
          await this.email.recordVerification(
            m,
            { email: user.email, name: req.name },
            cfg.verifyEmailMethod,
            req.redirectTo,
            meta.requestId,
          );
          return { user, registeredEvent };
        }
        const s = await this.sessions.start(m, user.id, { api: 'insforge', clientType: client, meta });
        return { user, registeredEvent, session: s.session, refreshToken: s.refreshToken };
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new ApiError(409, 'AUTH_EMAIL_EXISTS', 'User already exists');
      throw err;
    }
    // Read your writes: the client may read its profile (served by profiles) right after this.
    await this.events.registeredDelivered(started.registeredEvent);
    if (verify || !started.session) return { body: { accessToken: null, requireEmailVerification: true } };
    const out = await this.sessionResult(started.user, started.session, started.refreshToken!, client);
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
    const user = await this.checkPassword(email, rawPassword, meta);
    const cfg = await this.authConfig.get();
    if (cfg.requireEmailVerification && !user.emailVerified) {
      throw new ApiError(403, 'FORBIDDEN', 'Email verification required', 'Please verify your email address before logging in');
    }
    const s = await this.db.transaction(async (m) => {
      await this.assertPasswordUnchanged(m, user);
      return this.sessions.start(m, user.id, { api: 'insforge', clientType: client, meta });
    });
    return this.sessionResult(user, s.session, s.refreshToken, client);
  }

  /**
   * In the transaction that writes a password sign-in's session: the hash checked a moment ago
   * must still be the account's. An email claim or a reset that dropped or replaced it in between
   * wins (no session for the old password); one that comes after waits and revokes this session.
   */
  async assertPasswordUnchanged(m: EntityManager, user: UserRecord): Promise<void> {
    if (!user.passwordHash || !(await this.users.passwordStillIs(m, user.id, user.passwordHash))) throw invalidCredentials();
  }

  /**
   * The password check shared by both APIs: rate limits per IP and per identifier, failures
   * counted per identifier + IP and per identifier, legacy hashes upgraded on success.
   */
  async checkPassword(
    identifier: string,
    rawPassword: string,
    meta: RequestMeta,
    lookup?: () => Promise<UserRecord | null>,
  ): Promise<UserRecord> {
    const idKey = RateLimits.key(identifier);
    const idIpKey = RateLimits.key(identifier, meta.ip);
    await this.limits.consume('sign-in:ip', meta.ip);
    await this.limits.consume('sign-in:id', idKey);
    await this.limits.assertNotBlocked('sign-in-fail:id-ip', idIpKey);
    await this.limits.assertNotBlocked('sign-in-fail:id', idKey);
    const password = normalizePassword(rawPassword);
    const user = await (lookup ? lookup() : this.users.findByEmail(identifier));
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok) {
      await this.limits.penalize('sign-in-fail:id-ip', idIpKey);
      await this.limits.penalize('sign-in-fail:id', idKey);
      throw invalidCredentials();
    }
    await this.limits.reset('sign-in-fail:id-ip', idIpKey);
    if (this.hasher.needsRehash(user.passwordHash!)) {
      void this.hasher
        .hash(password)
        .then((h) => this.users.upgradePasswordHash(user.id, user.passwordHash!, h))
        .catch((err: Error) => this.logger.warn(`rehash failed: ${err.message}`));
    }
    return user;
  }

  /** Email-code sign-in; a new email becomes a password-less, verified user unless sign-up is off. */
  private async signInWithOtp(req: SignInRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SessionTokensResponse>> {
    await this.limits.assertNotBlocked('verify-fail:ip', meta.ip);
    const cfg = await this.authConfig.get();
    let claim: ClaimOutcome | undefined;
    let registeredEvent: string | undefined;
    const outcome = await this.db.transaction(
      async (m): Promise<{ user: UserRecord; session: SessionRow; refreshToken: string } | 'bad' | 'disabled'> => {
        const check = await this.codes.consumeCode(m, req.email, 'sign_in', req.otp!);
        if (!check.ok) return 'bad';
        let user = await this.users.findByEmail(req.email, m);
        if (!user) {
          if (cfg.disableSignup) return 'disabled';
          const profile = req.name ? { name: req.name } : {};
          user = await this.users.insert(m, { email: req.email, passwordHash: null, emailVerified: true, profile });
          registeredEvent = await this.events.registered(m, user, profile, meta.requestId);
        } else {
          claim = await this.claims.claim(m, user.id, 'sign-in-code', meta.requestId);
        }
        await this.users.addProvider(m, user.id, 'email', req.email, { method: 'otp' });
        user = (await this.users.findById(user.id, m))!;
        const s = await this.sessions.start(m, user.id, { api: 'insforge', clientType: client, meta });
        return { user, ...s };
      },
    );
    await this.claims.afterCommit(claim);
    if (outcome === 'bad') {
      await this.limits.penalize('verify-fail:ip', meta.ip);
      throw invalidOtp();
    }
    if (outcome === 'disabled') throw new ApiError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.');
    if (registeredEvent) await this.events.registeredDelivered(registeredEvent);
    return this.sessionResult(outcome.user, outcome.session, outcome.refreshToken, client);
  }

  /** Tokens for a session: cookie + csrfToken for web clients, refreshToken in the body otherwise. */
  async sessionResult(
    user: UserRecord,
    session: SessionRow,
    refreshToken: string,
    client: ClientKind,
  ): Promise<AuthResult<SessionTokensResponse>> {
    const accessToken = await this.tokens.sign(user, session.id);
    if (client === 'web') {
      return {
        body: { user: toUserResponse(user), accessToken, csrfToken: this.sessions.csrfTokenFor(session) },
        cookie: { token: refreshToken, expiresAt: session.absoluteExpiresAt },
      };
    }
    return { body: { user: toUserResponse(user), accessToken, refreshToken } };
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
    const rotated = await this.sessions.rotate(token, meta, (s) => {
      // A Gorb session refreshes through /v1/auth/refresh (its access tokens are opaque).
      if (s.api !== 'insforge') throw invalidRefreshToken();
      if (client === 'web' && !this.sessions.csrfMatches(s, input.csrfHeader)) throw new ApiError(403, 'FORBIDDEN', 'Invalid CSRF token');
    });
    const user = await this.users.findById(rotated.session.userId);
    if (!user) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'User not found');
    const out = await this.sessionResult(user, rotated.session, rotated.refreshToken, client);
    // InsForge's refresh body is {accessToken, user, csrfToken|refreshToken}.
    return { ...out, body: { accessToken: out.body.accessToken, user: out.body.user, ...pick(out.body, 'csrfToken', 'refreshToken') } };
  }

  /**
   * Revokes the session at once. Web: a live cookie needs a valid X-CSRF-Token (no forced logout
   * from another site); a stale cookie is just cleared. Others: the session named by the access
   * token's `sid` or by a refresh token in the body. Always idempotent.
   */
  async logout(
    client: ClientKind,
    input: { cookie?: string; csrfHeader?: string | string[]; bearer: BearerCredential; bodyToken?: string },
  ): Promise<AuthResult<{ success: true; message: string }>> {
    const done = { success: true as const, message: 'Logged out successfully' };
    if (input.bearer.kind === 'malformed') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    if (client === 'web' && input.cookie) {
      const session = await this.sessions.sessionOfRefreshToken(input.cookie);
      if (session) {
        if (!this.sessions.csrfMatches(session, input.csrfHeader)) throw new ApiError(403, 'FORBIDDEN', 'Invalid CSRF token');
        await this.sessions.revoke(session.id, 'logout');
      }
      return { body: done, cookie: 'clear' };
    }
    if (input.bodyToken) {
      const session = await this.sessions.sessionOfRefreshToken(input.bodyToken);
      if (session) await this.sessions.revoke(session.id, 'logout');
    } else if (input.bearer.kind === 'token') {
      const caller = await this.tokens.verify(input.bearer.token);
      if (caller) await this.sessions.revokeForUser(caller.userId, caller.sessionId, 'logout');
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

  /** For callers that already hold a transaction (email verification). */
  startSession(m: EntityManager, userId: string, client: ClientKind, meta: RequestMeta) {
    return this.sessions.start(m, userId, { api: 'insforge', clientType: client, meta });
  }
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
