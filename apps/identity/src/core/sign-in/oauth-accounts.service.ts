import { Injectable } from '@nestjs/common';
import { ApiError, type RequestMeta, Sql } from '@app/core';
import { auditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { AuthConfigService } from '../auth-config/auth-config.service.js';
import { type ClaimOutcome, EmailClaims } from './email-claims.service.js';
import { UserEvents } from '../users/user-events.js';
import { type UserRecord, UniqueViolation, UsersRepository } from '../users/users.repository.js';
import { OAuthIdentitiesRepository } from '../oauth/oauth-identities.repository.js';
import { placeholderEmail, type ProviderProfile } from '../oauth/providers/provider-profile.js';

export const signupDisabled = () => new ApiError(403, 'AUTH_SIGNUP_DISABLED', 'User signups are disabled for this project.');
const emailTaken = () =>
  new ApiError(
    409,
    'AUTH_EMAIL_EXISTS',
    'User already exists',
    'The provider did not verify this email address: sign in to the existing account another way.',
  );

/**
 * Which account a provider sign-in lands in (used by the OAuth callback and by native ID-token
 * sign-in):
 * 1. the account already linked to (provider, subject);
 * 2. else the account with the same email, only when the provider asserts it verified the
 *    address: an account claim (EmailClaims), so an unverified account's earlier sessions die and
 *    its password goes (InsForge links by email without asking, the pre-hijacking door);
 *    an address the provider did not verify that belongs to an account is refused (409);
 * 3. else a new account (403 AUTH_SIGNUP_DISABLED when sign-ups are off), verified only when the
 *    provider says so; providers that share no address get a `users.noreply` placeholder.
 */
@Injectable()
export class OAuthAccounts {
  constructor(
    private readonly sql: Sql,
    private readonly users: UsersRepository,
    private readonly identities: OAuthIdentitiesRepository,
    private readonly claims: EmailClaims,
    private readonly events: UserEvents,
    private readonly authConfig: AuthConfigService,
    private readonly audit: AuditLog,
  ) {}

  async signIn(profile: ProviderProfile, meta: RequestMeta): Promise<UserRecord> {
    try {
      return await this.attempt(profile, meta);
    } catch (err) {
      // Two first sign-ins of one provider account at once: the loser finds the winner's link.
      if (err instanceof UniqueViolation || (err as { code?: string }).code === '23505') return this.attempt(profile, meta);
      throw err;
    }
  }

  private async attempt(profile: ProviderProfile, meta: RequestMeta): Promise<UserRecord> {
    const cfg = await this.authConfig.get();
    let claim: ClaimOutcome | undefined;
    let registered: string | undefined;
    const user = await this.sql.transaction(async (tx) => {
      const linked = await this.identities.userOf(tx, profile.provider, profile.subject);
      if (linked) {
        const current = await this.users.findById(linked, tx);
        if (current && !current.emailVerified && profile.emailVerified && profile.email === current.email)
          claim = await this.claims.claim(tx, linked, 'oauth', meta.requestId);
        await this.identities.refresh(tx, profile);
        return this.users.findById(linked, tx);
      }
      const email = profile.email ?? placeholderEmail(profile.provider, profile.subject);
      const existing = await this.users.findByEmail(email, tx);
      if (existing) {
        if (!profile.emailVerified) throw emailTaken();
        claim = await this.claims.claim(tx, existing.id, 'oauth', meta.requestId);
        await this.identities.link(tx, existing.id, profile);
        return this.users.findById(existing.id, tx);
      }
      if (cfg.disableSignup) throw signupDisabled();
      const data = { ...(profile.name ? { name: profile.name } : {}), ...(profile.avatarUrl ? { avatar_url: profile.avatarUrl } : {}) };
      const created = await this.users.insert(tx, { email, passwordHash: null, emailVerified: profile.emailVerified, profile: data });
      await this.audit.record(tx, {
        type: 'user.created',
        actor: auditActor.anonymous(),
        targetUserId: created.id,
        meta,
        details: { api: 'insforge', method: 'oauth', provider: profile.provider },
      });
      registered = await this.events.registered(tx, created, data, meta.requestId);
      await this.identities.link(tx, created.id, profile);
      return this.users.findById(created.id, tx);
    });
    await this.claims.delivered(claim);
    if (registered) await this.events.registeredDelivered(registered);
    if (!user) throw new ApiError(404, 'AUTH_USER_NOT_FOUND', 'User not found');
    return user;
  }
}
