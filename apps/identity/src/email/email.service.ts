import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AcceptedResponse } from '@app/contracts';
import type { RequestMeta } from '@app/core';
import { IdentityConfig } from '../identity.config.js';
import { CodesService } from './codes.service.js';
import { MailIntents } from './mail-intents.js';

/** Link and exchanged reset tokens live 24 hours (InsForge's lifetime). */
export const LINK_TTL_SECONDS = 24 * 3600;

export const SEND_OTP_MESSAGE = 'If sign-in is available for this email, we have sent a verification code.';

@Injectable()
export class EmailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
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

  /** Email-code sign-in: always the same answer; the code and the mail intent commit together. */
  async sendOtp(email: string, meta: RequestMeta): Promise<AcceptedResponse> {
    await this.db.transaction(async (m) => {
      const code = await this.codes.issueCode(m, email, 'sign_in');
      await this.mail.record(m, { template: 'request-otp', to: email, vars: { email, token: code }, requestId: meta.requestId });
    });
    this.mail.flush();
    return { success: true, message: SEND_OTP_MESSAGE };
  }
}
