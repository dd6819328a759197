import { Injectable } from '@nestjs/common';
import {
  type AcceptedResponse,
  type ClientKind,
  type EmailRequestedTask,
  type ExchangeResetTokenRequest,
  linkTokenOf,
  QUEUES,
  type ResetPasswordRequest,
  type SendEmailRequest,
  type SessionTokensResponse,
  type VerifyEmailRequest,
} from '@app/contracts';
import { invalidInput, Outbox, RateLimits, type RequestMeta, Sql } from '@app/core';
import { auditActor } from '../../core/audit/audit-event.js';
import { AuditLog } from '../../core/audit/audit-log.js';
import type { AuthConfig } from '../../core/auth-config/auth-config.repository.js';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import type { AuthResult } from '../../core/sign-in/session-result.js';
import { RedirectCheck } from '../../core/sign-in/redirect-check.js';
import { SessionIssuer } from '../../core/sign-in/session-issuer.js';
import { PasswordHasher } from '../../core/passwords/password-hasher.js';
import { normalizePassword, passwordPolicyProblem } from '../../core/passwords/password-policy.js';
import { SessionsService } from '../../core/sessions/sessions.service.js';
import { EmailClaims } from '../../core/sign-in/email-claims.service.js';
import { type UserRecord, UsersRepository } from '../../core/users/users.repository.js';
import { CodesService } from '../../core/codes/codes.service.js';
import { EmailService, LINK_TTL_SECONDS } from '../../core/codes/email.service.js';

export const MESSAGES = {
  otp: 'If sign-in is available for this email, we have sent a verification code.',
  verifyCode: 'If your email is registered, we have sent you a verification code. Please check your inbox.',
  verifyLink: 'If your email is registered, we have sent you a verification link. Please check your inbox.',
  resetCode: 'If your email is registered, we have sent you a password reset code. Please check your inbox.',
  resetLink: 'If your email is registered, we have sent you a password reset link. Please check your inbox.',
  reset: 'Password reset successfully. Please login with your new password.',
} as const;

/** Where a browser link sends the user: a redirect, or a JSON answer when there is nowhere to go. */
export type LinkOutcome = { redirect: string } | { status: number; body: unknown };

const nameOf = (u: UserRecord) => (typeof u.profile?.name === 'string' ? u.profile.name : undefined);
const withParams = (url: string, params: Record<string, string>) => {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

/**
 * Email verification, password reset and email-code sign-in. The send endpoints only record the
 * intent (the same work, body and status for known and unknown emails); identity's task worker
 * looks the account up later and records the mail, which the mailer delivers.
 */
@Injectable()
export class EmailFlowsService {
  constructor(
    private readonly sql: Sql,
    private readonly redirects: RedirectCheck,
    private readonly issuer: SessionIssuer,
    private readonly authConfig: AuthConfigService,
    private readonly email: EmailService,
    private readonly codes: CodesService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly limits: RateLimits,
    private readonly outbox: Outbox,
    private readonly claims: EmailClaims,
    private readonly audit: AuditLog,
  ) {}

  /** 5 sends per 15 min per IP, and one per minute per recipient, known or not. */
  private async throttleSend(email: string, meta: RequestMeta): Promise<void> {
    await this.limits.consume('send:ip', meta.ip);
    await this.limits.consume('send:email', RateLimits.key(email));
  }

  private checkRedirect(cfg: AuthConfig, method: 'code' | 'link', redirectTo: string | undefined, what: string): void {
    if (method === 'link' && !redirectTo) throw invalidInput(`redirectTo is required when link-based ${what} is enabled`);
    if (redirectTo) this.redirects.assertAllowed(redirectTo, cfg);
  }

  async sendOtp(email: string, meta: RequestMeta): Promise<AcceptedResponse> {
    await this.throttleSend(email, meta);
    await this.sql.transaction((tx) => this.email.recordOtp(tx, email, meta.requestId));
    return { success: true, message: MESSAGES.otp };
  }

  async sendVerification(req: SendEmailRequest, meta: RequestMeta): Promise<AcceptedResponse> {
    const cfg = await this.authConfig.get();
    this.checkRedirect(cfg, cfg.verifyEmailMethod, req.redirectTo, 'email verification');
    await this.throttleSend(req.email, meta);
    await this.recordTask('verification-requested', req, meta);
    return { success: true, message: cfg.verifyEmailMethod === 'link' ? MESSAGES.verifyLink : MESSAGES.verifyCode };
  }

  async sendResetPassword(req: SendEmailRequest, meta: RequestMeta): Promise<AcceptedResponse> {
    const cfg = await this.authConfig.get();
    this.checkRedirect(cfg, cfg.resetPasswordMethod, req.redirectTo, 'password reset');
    await this.throttleSend(req.email, meta);
    await this.recordTask('reset-requested', req, meta);
    return { success: true, message: cfg.resetPasswordMethod === 'link' ? MESSAGES.resetLink : MESSAGES.resetCode };
  }

  private async recordTask(name: 'verification-requested' | 'reset-requested', req: SendEmailRequest, meta: RequestMeta): Promise<void> {
    await this.sql.transaction((tx) =>
      this.outbox.add(tx, QUEUES.IDENTITY_TASKS, name, () => ({
        email: req.email,
        redirectTo: req.redirectTo ?? null,
        requestId: meta.requestId,
        occurredAt: new Date().toISOString(),
      })),
    );
  }

  /** Task: mail a verification code or link if the account exists and is not verified yet. */
  async fulfilVerification(task: EmailRequestedTask): Promise<void> {
    const user = await this.users.findByEmail(task.email);
    if (!user || user.emailVerified) return;
    const cfg = await this.authConfig.get();
    await this.sql.transaction((tx) =>
      this.email.recordVerification(tx, { email: user.email, name: nameOf(user) }, cfg.verifyEmailMethod, task.redirectTo, task.requestId),
    );
  }

  /** Task: mail a reset code or link if the account exists. */
  async fulfilReset(task: EmailRequestedTask): Promise<void> {
    const user = await this.users.findByEmail(task.email);
    if (!user) return;
    const cfg = await this.authConfig.get();
    await this.sql.transaction((tx) =>
      this.email.recordReset(tx, { email: user.email, name: nameOf(user) }, cfg.resetPasswordMethod, task.redirectTo, task.requestId),
    );
  }

  private async failedCode(meta: RequestMeta, message = 'Invalid or expired verification code'): Promise<never> {
    await this.limits.penalize('verify-fail:ip', meta.ip);
    throw invalidInput(message);
  }

  /** Code verification: marks the email verified and signs the user in (as InsForge does). */
  async verifyEmail(req: VerifyEmailRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SessionTokensResponse>> {
    await this.limits.assertNotBlocked('verify-fail:ip', meta.ip);
    const out = await this.sql.transaction(async (tx) => {
      const check = await this.codes.consumeCode(tx, req.email, 'verify_email', req.otp);
      if (!check.ok) return null;
      const user = await this.users.findByEmail(req.email, tx);
      if (!user) return null;
      const claim = await this.claims.claim(tx, user.id, 'verification', meta.requestId);
      const s = await this.issuer.start(tx, user.id, client, meta, { method: 'email_verification' });
      return { user: (await this.users.findById(user.id, tx))!, claim, ...s };
    });
    if (!out) {
      await this.audit.record(null, {
        type: 'sign_in.failed',
        actor: auditActor.anonymous(),
        meta,
        details: { api: 'insforge', method: 'email_verification', reason: 'invalid_code' },
      });
      return this.failedCode(meta);
    }
    await this.claims.delivered(out.claim);
    return this.issuer.issue(out.user, out.session, out.refreshToken, client);
  }

  /**
   * The verification link: verifies and redirects, without a session. Mail scanners fetch links
   * first: a second fetch of a used link still lands on success for the verified account.
   */
  async verifyLink(token: string): Promise<LinkOutcome> {
    const params = { insforge_type: 'verify_email' };
    const out = await this.sql.transaction(async (tx) => {
      const row = await this.codes.findToken(tx, token, 'verify_email');
      if (!row) return { ok: false as const, redirectTo: null };
      const user = await this.users.findByEmail(row.email, tx);
      if (!user) return { ok: false as const, redirectTo: row.redirectTo };
      if (!row.consumedAt) {
        if (row.expiresAt <= new Date()) return { ok: false as const, redirectTo: row.redirectTo };
        // Consumed under its row lock: of two concurrent fetches, only one claims.
        if (!(await this.codes.consumeToken(tx, token, 'verify_email'))) return { ok: user.emailVerified, redirectTo: row.redirectTo };
        const claim = await this.claims.claim(tx, user.id, 'verification');
        return { ok: true as const, redirectTo: row.redirectTo, claim };
      }
      return { ok: user.emailVerified, redirectTo: row.redirectTo };
    });
    if ('claim' in out) await this.claims.delivered(out.claim);
    const error = 'Invalid or expired verification token';
    if (!out.redirectTo) {
      if (!out.ok) throw invalidInput(error);
      return { status: 200, body: { success: true, message: 'Email verified successfully' } };
    }
    return {
      redirect: withParams(
        out.redirectTo,
        out.ok ? { ...params, insforge_status: 'success' } : { ...params, insforge_status: 'error', insforge_error: error },
      ),
    };
  }

  async exchangeResetToken(req: ExchangeResetTokenRequest, meta: RequestMeta): Promise<{ token: string; expiresAt: string }> {
    await this.limits.assertNotBlocked('verify-fail:ip', meta.ip);
    const out = await this.sql.transaction(async (tx) => {
      const check = await this.codes.consumeCode(tx, req.email, 'reset_password', req.code);
      if (!check.ok) return null;
      const token = await this.codes.issueToken(tx, req.email, 'reset_password', LINK_TTL_SECONDS, check.redirectTo);
      return { token, expiresAt: new Date(Date.now() + LINK_TTL_SECONDS * 1000).toISOString() };
    });
    if (!out) return this.failedCode(meta);
    return out;
  }

  /** The reset link only redirects with the token; the POST that follows consumes it. */
  async resetPasswordLink(token: string): Promise<LinkOutcome> {
    const error = 'Invalid or expired verification token';
    const params = { insforge_type: 'reset_password' };
    const { row, live } = await this.sql.transaction(async (tx) => ({
      row: await this.codes.findToken(tx, token, 'reset_password'),
      live: await this.codes.peekToken(tx, token, 'reset_password'),
    }));
    if (!row?.redirectTo) {
      if (!live) throw invalidInput(error);
      return { status: 200, body: { token, insforge_status: 'ready', insforge_type: 'reset_password' } };
    }
    if (!live) return { redirect: withParams(row.redirectTo, { ...params, insforge_status: 'error', insforge_error: error }) };
    return { redirect: withParams(row.redirectTo, { token, ...params, insforge_status: 'ready' }) };
  }

  /** Sets the new password and revokes every session of the user at once. */
  async resetPassword(req: ResetPasswordRequest, meta: RequestMeta): Promise<{ message: string }> {
    await this.limits.assertNotBlocked('verify-fail:ip', meta.ip);
    const password = normalizePassword(req.newPassword);
    const problem = passwordPolicyProblem(password, await this.authConfig.get());
    if (problem) throw invalidInput(problem);
    const token = linkTokenOf(req.otp);
    if (!token) return this.failedCode(meta, 'Invalid or expired verification token');
    const hash = await this.hasher.hash(password);
    const done = await this.sql.transaction(async (tx) => {
      const row = await this.codes.consumeToken(tx, token, 'reset_password');
      if (!row) return null;
      const user = await this.users.findByEmail(row.email, tx);
      if (!user) return null;
      // An unverified account is claimed first (its sessions, codes and password go), then gets
      // the new password; a verified one just loses every session to the reset.
      const claim = await this.claims.claim(tx, user.id, 'password-reset', meta.requestId);
      await this.users.setPasswordHash(tx, user.id, hash);
      const revoked = await this.sessions.revokeEverywhere(tx, user.id, 'password_reset', meta.requestId);
      await this.audit.record(tx, {
        type: 'password.reset',
        // Whoever spent the reset token proved they read the account's mailbox.
        actor: auditActor.user(user.id),
        targetUserId: user.id,
        meta,
        details: { sessionsRevoked: claim.revokedSessions + revoked.sessionIds.length, emailClaimed: claim.claimed },
      });
      return { userId: user.id, claim, revoked };
    });
    if (!done) return this.failedCode(meta, 'Invalid or expired verification token');
    await this.claims.delivered(done.claim);
    await this.sessions.revocationDelivered(done.revoked);
    return { message: MESSAGES.reset };
  }
}
