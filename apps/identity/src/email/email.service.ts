import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdentityConfig } from '../identity.config.js';
import { CodesService } from './codes.service.js';
import { MailIntents } from './mail-intents.js';

/** Link and exchanged reset tokens live 24 hours (InsForge's lifetime). */
export const LINK_TTL_SECONDS = 24 * 3600;

/** Records mails (and their codes or tokens) inside the caller's transaction. */
@Injectable()
export class EmailService {
  constructor(
    private readonly codes: CodesService,
    private readonly mail: MailIntents,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  /**
   * Records the verification mail for a new or unverified account (code or link, as configured),
   * inside the caller's transaction. Delivery happens in the mailer.
   */
  async recordVerification(
    m: EntityManager,
    user: { email: string; name?: string },
    method: 'code' | 'link',
    redirectTo: string | null | undefined,
    requestId?: string,
  ): Promise<void> {
    if (method === 'code') {
      const code = await this.codes.issueCode(m, user.email, 'verify_email', redirectTo ?? null);
      await this.mail.record(m, {
        template: 'email-verification-code',
        to: user.email,
        vars: { email: user.email, name: user.name, token: code },
        requestId,
      });
      return;
    }
    const token = await this.codes.issueToken(m, user.email, 'verify_email', LINK_TTL_SECONDS, redirectTo ?? null);
    const link = `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/auth/email/verify-link?token=${token}`;
    await this.mail.record(m, {
      template: 'email-verification-link',
      to: user.email,
      vars: { email: user.email, name: user.name, link },
      requestId,
    });
  }

  /** Records the password-reset mail (code or link, as configured). */
  async recordReset(
    m: EntityManager,
    user: { email: string; name?: string },
    method: 'code' | 'link',
    redirectTo: string | null | undefined,
    requestId?: string,
  ): Promise<void> {
    if (method === 'code') {
      const code = await this.codes.issueCode(m, user.email, 'reset_password', redirectTo ?? null);
      await this.mail.record(m, {
        template: 'reset-password-code',
        to: user.email,
        vars: { email: user.email, name: user.name, token: code },
        requestId,
      });
      return;
    }
    const token = await this.codes.issueToken(m, user.email, 'reset_password', LINK_TTL_SECONDS, redirectTo ?? null);
    const link = `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/auth/email/reset-password-link?token=${token}`;
    await this.mail.record(m, {
      template: 'reset-password-link',
      to: user.email,
      vars: { email: user.email, name: user.name, link },
      requestId,
    });
  }

  /** Records the sign-in code mail. */
  async recordOtp(m: EntityManager, email: string, requestId?: string): Promise<void> {
    const code = await this.codes.issueCode(m, email, 'sign_in');
    await this.mail.record(m, { template: 'request-otp', to: email, vars: { email, token: code }, requestId });
  }

  /** Call after the transaction commits. */
  flush(): void {
    this.mail.flush();
  }
}
