import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { CodesService } from './codes.service.js';
import { MailIntents } from './mail-intents.js';

/** Link and exchanged reset tokens live 24 hours (InsForge's lifetime). */
export const LINK_TTL_SECONDS = 24 * 3600;

interface Recipient {
  email: string;
  name?: string;
}

const FLOWS = {
  verify: {
    purpose: 'verify_email',
    codeTemplate: 'email-verification-code',
    linkTemplate: 'email-verification-link',
    linkPath: '/api/auth/email/verify-link',
  },
  reset: {
    purpose: 'reset_password',
    codeTemplate: 'reset-password-code',
    linkTemplate: 'reset-password-link',
    linkPath: '/api/auth/email/reset-password-link',
  },
} as const;

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
  recordVerification(tx: Tx, user: Recipient, method: 'code' | 'link', redirectTo: string | null | undefined, requestId?: string) {
    return this.recordCodeOrLink(tx, user, FLOWS.verify, method, redirectTo, requestId);
  }

  /** Records the password-reset mail (code or link, as configured). */
  recordReset(tx: Tx, user: Recipient, method: 'code' | 'link', redirectTo: string | null | undefined, requestId?: string) {
    return this.recordCodeOrLink(tx, user, FLOWS.reset, method, redirectTo, requestId);
  }

  private async recordCodeOrLink(
    tx: Tx,
    user: Recipient,
    flow: (typeof FLOWS)[keyof typeof FLOWS],
    method: 'code' | 'link',
    redirectTo: string | null | undefined,
    requestId?: string,
  ): Promise<void> {
    const vars = { email: user.email, name: user.name };
    if (method === 'code') {
      const code = await this.codes.issueCode(tx, user.email, flow.purpose, redirectTo ?? null);
      await this.mail.record(tx, { template: flow.codeTemplate, to: user.email, vars: { ...vars, token: code }, requestId });
      return;
    }
    const token = await this.codes.issueToken(tx, user.email, flow.purpose, LINK_TTL_SECONDS, redirectTo ?? null);
    const link = `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${flow.linkPath}?token=${token}`;
    await this.mail.record(tx, { template: flow.linkTemplate, to: user.email, vars: { ...vars, link }, requestId });
  }

  /** Records the sign-in code mail. */
  async recordOtp(tx: Tx, email: string, requestId?: string): Promise<void> {
    const code = await this.codes.issueCode(tx, email, 'sign_in');
    await this.mail.record(tx, { template: 'request-otp', to: email, vars: { email, token: code }, requestId });
  }
}
