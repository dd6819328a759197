import { Inject, Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import type {
  GorbDevice,
  GorbLoginRequest,
  GorbLoginResponse,
  GorbRegisterFlags,
  GorbRegisterRequest,
  GorbRevokeRequest,
} from '@app/contracts';
import { ApiError, invalidInput, RateLimits, type RequestMeta, Sql, type Tx } from '@app/core';
import { auditActor } from '../../core/audit/audit-event.js';
import { AuditLog } from '../../core/audit/audit-log.js';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import { randomToken, sha256 } from '../../core/common/secrets.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { PasswordHasher } from '../../core/passwords/password-hasher.js';
import { PasswordCheck } from '../../core/sign-in/password-check.js';
import { checkPasswordPolicy, normalizePassword, type PasswordRules } from '../../core/passwords/password-policy.js';
import { SessionsRepository } from '../../core/sessions/sessions.repository.js';
import { SessionsService } from '../../core/sessions/sessions.service.js';
import { UserEvents } from '../../core/users/user-events.js';
import { toGorbDevice } from './gorb.mapper.js';
import { type UserRecord, UniqueViolation, UsersRepository } from '../../core/users/users.repository.js';

export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
const badCredentials = () => new ApiError(403, 'FORBIDDEN', 'Invalid credentials');

/** Gorb's register flags for the password, from the policy InsForge's sign-up applies (checkPasswordPolicy). */
export const gorbPasswordFlags = (r: PasswordRules) => ({
  password_minimum_length: r.minimumLength,
  password_special_characters: r.specialCharacter,
  password_letters: r.lowercase && r.uppercase,
  password_numbers: r.number,
});

/**
 * The Gorb login API: the seed's `POST /v1/login` exactly, plus register, refresh, devices,
 * revoke and logout (ours, in Gorb's shapes). Sessions are the same sessions as InsForge's, so a
 * user sees every sign-in in both lists; Gorb's access tokens are opaque and stored hashed.
 */
@Injectable()
export class GorbService {
  constructor(
    private readonly sql: Sql,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly passwords: PasswordCheck,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly sessionsRepo: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly authConfig: AuthConfigService,
    private readonly limits: RateLimits,
    private readonly events: UserEvents,
    private readonly audit: AuditLog,
  ) {}

  userIdOf(u: Pick<UserRecord, 'id' | 'username'>): string {
    return `@${u.username ?? u.id}@${this.config.GORB_INSTANCE_DOMAIN}`;
  }

  async login(req: GorbLoginRequest, meta: RequestMeta): Promise<GorbLoginResponse> {
    const identifier = req.identifier ?? req.email;
    if (!identifier) throw invalidInput('identifier or email is required');
    const byEmail = req.email !== undefined || identifier.includes('@');
    let user: UserRecord;
    try {
      user = await this.passwords.check(
        identifier,
        req.password,
        meta,
        () => (byEmail ? this.users.findByEmail(identifier) : this.users.findByUsername(identifier)),
        { api: 'gorb' },
      );
    } catch (err) {
      // The seed's 403 for bad credentials, the same for an unknown user and a wrong password.
      if (err instanceof ApiError && err.getStatus() === 401) throw badCredentials();
      throw err;
    }
    try {
      return await this.sql.transaction(async (tx) => {
        await this.passwords.assertUnchanged(tx, user, () => new ApiError(403, 'FORBIDDEN', 'Email verification required'));
        return this.startSession(tx, user, req.device_name, meta, { method: 'password' });
      });
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 401) throw badCredentials();
      throw err;
    }
  }

  private async startSession(
    tx: Tx,
    user: UserRecord,
    deviceName: string | undefined,
    meta: RequestMeta,
    signIn?: { method: string },
  ): Promise<GorbLoginResponse> {
    const { session, refreshToken } = await this.sessions.start(tx, user.id, {
      api: 'gorb',
      clientType: 'gorb',
      deviceName: deviceName ?? 'Unknown device',
      meta,
      signIn,
    });
    const accessToken = await this.issueAccessToken(tx, session.id);
    return {
      access_token: accessToken,
      user_id: this.userIdOf(user),
      uuid: user.id,
      expires_in: this.config.GORB_ACCESS_TTL_SECONDS,
      refresh_token: refreshToken,
    };
  }

  private async issueAccessToken(tx: Tx, sessionId: string): Promise<string> {
    const token = randomToken();
    await this.sessionsRepo.insertOpaqueAccessToken(
      tx,
      sha256(token),
      sessionId,
      new Date(Date.now() + this.config.GORB_ACCESS_TTL_SECONDS * 1000),
    );
    return token;
  }

  async register(req: GorbRegisterRequest, meta: RequestMeta): Promise<GorbLoginResponse> {
    await this.limits.consume('sign-up:ip', meta.ip);
    const cfg = await this.authConfig.get();
    const password = normalizePassword(req.password);
    const flags: GorbRegisterFlags = {
      signups_enabled: !cfg.disableSignup,
      gorb_id_valid: USERNAME_PATTERN.test(req.identifier),
      gorb_id_available: true,
      email_valid: isEmail(req.email),
      email_available: true,
      ...gorbPasswordFlags(checkPasswordPolicy(password, cfg)),
    };
    const refused = (extra: Partial<GorbRegisterFlags> = {}) =>
      new ApiError(403, 'FORBIDDEN', 'Registration refused').withBody({ ...flags, ...extra });
    if (Object.values(flags).some((v) => !v)) throw refused();
    const passwordHash = await this.hasher.hash(password);
    try {
      const out = await this.sql.transaction(async (tx) => {
        const user = await this.users.insert(tx, {
          email: req.email,
          username: req.identifier,
          passwordHash,
          emailVerified: false,
          profile: {},
        });
        await this.audit.record(tx, {
          type: 'user.created',
          actor: auditActor.anonymous(),
          targetUserId: user.id,
          meta,
          details: { api: 'gorb', method: 'password' },
        });
        const registeredEvent = await this.events.registered(tx, user, {}, meta.requestId);
        return { registeredEvent, login: await this.startSession(tx, user, req.device_name, meta) };
      });
      await this.events.registeredDelivered(out.registeredEvent);
      return out.login;
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
      throw refused(err.constraint.includes('username') ? { gorb_id_available: false } : { email_available: false });
    }
  }

  async refresh(refreshToken: string, meta: RequestMeta): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
    await this.limits.consume('refresh:ip', meta.ip);
    // One transaction: the rotation and the new opaque access token. The session may go while it
    // runs (its user deleted): then its refresh token is dead too.
    const out = await this.sql
      .transaction(async (tx) => {
        const rotated = await this.sessions.rotate(tx, refreshToken, meta, { api: 'gorb' });
        if (!rotated.ok) return rotated;
        return { ok: true as const, accessToken: await this.issueAccessToken(tx, rotated.session.id), refreshToken: rotated.refreshToken };
      })
      .catch((err: { code?: string }) => {
        if (err.code === '23503') return { ok: false as const, error: 'invalid' as const };
        throw err;
      });
    if (!out.ok) {
      // A theft's revocation: the request waits, bounded, until profiles refuses the session's tokens too.
      if (out.error === 'reused') await this.sessions.revocationDelivered(out.revoked);
      throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');
    }
    return { access_token: out.accessToken, refresh_token: out.refreshToken, expires_in: this.config.GORB_ACCESS_TTL_SECONDS };
  }

  async devices(userId: string, currentSessionId: string): Promise<GorbDevice[]> {
    return (await this.sessions.listLive(userId)).map((s) => toGorbDevice(s, currentSessionId));
  }

  /** Re-checks the password, then revokes the named device's sessions (by name, or by id). */
  async revoke(userId: string, req: GorbRevokeRequest, meta: RequestMeta): Promise<{ deleted: boolean }> {
    if (!req.device_name && !req.device_id) throw invalidInput('device_name or device_id is required');
    const user = await this.users.findById(userId);
    if (!user) throw badCredentials();
    try {
      await this.passwords.check(`gorb-revoke:${userId}`, req.password, meta, async () => user, {
        api: 'gorb',
        purpose: 'device_revoke',
        actor: auditActor.user(userId),
      });
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 401) throw badCredentials();
      throw err;
    }
    const n = await this.sessions.end(userId, req.device_id ? { sessionId: req.device_id } : { deviceName: req.device_name }, {
      reason: 'device_revoked',
      actor: auditActor.user(userId),
      meta,
      api: 'gorb',
    });
    return { deleted: n > 0 };
  }

  async logout(userId: string, sessionId: string, meta: RequestMeta): Promise<{ success: true }> {
    await this.sessions.end(userId, { sessionId }, { reason: 'logout', actor: auditActor.user(userId), meta, api: 'gorb' });
    return { success: true };
  }
}
