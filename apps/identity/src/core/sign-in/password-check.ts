import { Injectable, Logger } from '@nestjs/common';
import { ApiError, RateLimits, type RequestMeta, type Tx } from '@app/core';
import { type AuditActor, auditActor } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { normalizePassword } from '../passwords/password-policy.js';
import { type UserRecord, UsersRepository } from '../users/users.repository.js';

export const invalidCredentials = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials');

/** How a refused check is recorded: which API, and for what when it is not a sign-in. */
export interface PasswordCheckContext {
  api: 'insforge' | 'gorb';
  /** e.g. `device_revoke`: a signed-in user re-proving the password (then the actor is that user) */
  purpose?: string;
  actor?: AuditActor;
}

/**
 * The one password check every front door uses: rate limits per IP and per identifier, failures
 * counted per identifier + IP and per identifier, the same hash work for an unknown account (the
 * hasher's dummy hash), legacy hashes upgraded on success.
 */
@Injectable()
export class PasswordCheck {
  private readonly logger = new Logger('PasswordCheck');

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly limits: RateLimits,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The account whose password this is; 401 invalidCredentials() for any failure, alike. A refused
   * password is recorded as `sign_in.failed` (attempts the rate limits refuse never reach the hash,
   * nor the audit log: the limits bound how fast anyone can add such events).
   */
  async check(
    identifier: string,
    rawPassword: string,
    meta: RequestMeta,
    lookup?: () => Promise<UserRecord | null>,
    context: PasswordCheckContext = { api: 'insforge' },
  ): Promise<UserRecord> {
    const idKey = RateLimits.key(identifier);
    const idIpKey = RateLimits.key(identifier, meta.ip);
    // Four Redis round trips, but two waits: the failure counters are only read, so they are read
    // while the request counters are taken. The identifier's budget is spent only once the IP's
    // allowed the request, as before; the first refusal in this order is the answer.
    const [ipThenId, idIpFailures, idFailures] = await Promise.allSettled([
      this.limits.consume('sign-in:ip', meta.ip).then(() => this.limits.consume('sign-in:id', idKey)),
      this.limits.assertNotBlocked('sign-in-fail:id-ip', idIpKey),
      this.limits.assertNotBlocked('sign-in-fail:id', idKey),
    ]);
    for (const r of [ipThenId, idIpFailures, idFailures]) if (r.status === 'rejected') throw r.reason;
    const password = normalizePassword(rawPassword);
    const user = await (lookup ? lookup() : this.users.findByEmail(identifier));
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok) {
      await this.limits.penalize('sign-in-fail:id-ip', idIpKey);
      await this.limits.penalize('sign-in-fail:id', idKey);
      await this.audit.record(null, {
        type: 'sign_in.failed',
        actor: context.actor ?? auditActor.anonymous(),
        targetUserId: user?.id ?? null,
        meta,
        details: {
          api: context.api,
          method: 'password',
          reason: 'invalid_credentials',
          ...(context.purpose ? { purpose: context.purpose } : {}),
        },
      });
      throw invalidCredentials();
    }
    // No failures counted a moment ago: nothing to clear (one Redis round trip fewer per sign-in).
    if ((idIpFailures as PromiseFulfilledResult<number>).value > 0) await this.limits.reset('sign-in-fail:id-ip', idIpKey);
    if (this.hasher.needsRehash(user.passwordHash!)) {
      void this.hasher
        .hash(password)
        .then((h) => this.users.upgradePasswordHash(user.id, user.passwordHash!, h))
        .catch((err: Error) => this.logger.warn(`rehash failed: ${err.message}`));
    }
    return user;
  }

  /**
   * In the transaction that writes a password sign-in's session: the hash checked a moment ago
   * must still be the account's. An email claim or a reset that dropped or replaced it in between
   * wins (no session for the old password); one that comes after waits and revokes this session.
   * The same statement reads the live email-verification setting: an unverified account gets
   * `unverified()` (the front door's 403) instead of a session.
   */
  async assertUnchanged(tx: Tx, user: UserRecord, unverified: () => ApiError): Promise<void> {
    if (!user.passwordHash) throw invalidCredentials();
    const now = await this.users.passwordStillIs(tx, user.id, user.passwordHash);
    if (now.requireEmailVerification && !user.emailVerified) throw unverified();
    if (!now.unchanged) throw invalidCredentials();
  }
}
