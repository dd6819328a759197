import { Injectable } from '@nestjs/common';
import type { Tx } from '@app/core';
import { CodesRepository } from '../codes/codes.repository.js';
import { type RevokedEverywhere, SessionsService } from '../sessions/sessions.service.js';
import { UsersRepository } from '../users/users.repository.js';

/**
 * How the email was proven:
 * - `verification`: a verification code or link (`POST /email/verify`, `GET /email/verify-link`);
 * - `sign-in-code`: an email-code sign-in (`POST /sessions` with `method: "otp"`);
 * - `password-reset`: a reset token (from a code or a link) spent on `POST /email/reset-password`;
 * - `oauth`: an OAuth or OpenID provider that asserts it verified the address signed in.
 */
export type EmailProof = 'verification' | 'sign-in-code' | 'password-reset' | 'oauth';

export interface ClaimOutcome {
  userId: string;
  /** true when the account was unverified and is now the prover's; false for an already verified one */
  claimed: boolean;
  /** live sessions the claim revoked */
  revokedSessions: number;
  revoked?: RevokedEverywhere;
}

export const CLAIM_REVOKE_REASON = 'email_claimed';

/**
 * The one rule for an account whose email was not verified and is now proven by someone who reads
 * that mailbox (account pre-hijacking): whoever registered the address first may be a stranger, so
 * nothing that stranger holds survives. In the caller's transaction, after the proof was consumed
 * and before the prover's new session is started:
 * - the account is marked verified;
 * - every session is revoked, in both APIs (InsForge refresh tokens die with their session, Gorb's
 *   opaque access tokens are deleted), and after commit the `sessions/current` cache and the
 *   verified-token cache forget them, here and on every replica; profiles, which accepts any valid
 *   access token, is told (`user.sessions-revoked`) and refuses their writes until they expire;
 * - every outstanding code and link token of the address is spent (a pending verification, reset
 *   or sign-in code from before the claim is not honoured after it);
 * - the password is dropped, except for `verification`: verifying is how the creator of an account
 *   confirms their address and then signs in with the password they chose (InsForge's sign-up
 *   flow); a sign-in code or a reset is how an owner takes over an account they cannot get into.
 * Profile fields and a Gorb username are kept: the owner sees and can change the profile at once,
 * and on the common path (someone registers, then verifies their own address) dropping them would
 * lose the user's data and handle. The README's security section says the same.
 *
 * Every path that proves an email calls this, and nothing else marks an email verified.
 */
@Injectable()
export class EmailClaims {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly codes: CodesRepository,
  ) {}

  async claim(tx: Tx, userId: string, proof: EmailProof, requestId?: string): Promise<ClaimOutcome> {
    // The row lock first: a concurrent password sign-in re-checks the hash under a share lock
    // before its session is written, so it either commits before this revocation (and is revoked
    // with the rest) or sees the dropped password and fails.
    const state = await this.users.lockForClaim(tx, userId);
    if (!state || state.emailVerified) return { userId, claimed: false, revokedSessions: 0 };
    await this.users.markEmailVerified(tx, userId);
    if (proof !== 'verification') await this.users.setPasswordHash(tx, userId, null);
    const revoked = await this.sessions.revokeEverywhere(tx, userId, CLAIM_REVOKE_REASON, requestId);
    await this.codes.spendAllFor(tx, state.email);
    return { userId, claimed: true, revokedSessions: revoked.sessionIds.length, revoked };
  }

  /**
   * After the transaction committed (every replica has forgotten the account by then, through
   * the transaction's after-commit hooks): profiles refuses the revoked sessions' tokens before
   * the claim answers (bounded wait).
   */
  async delivered(outcome: ClaimOutcome | null | undefined): Promise<void> {
    if (outcome?.claimed) await this.sessions.revocationDelivered(outcome.revoked);
  }
}
