import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AcceptedResponse } from '@app/contracts';
import type { RequestMeta } from '@app/core';
import { CodesService } from './codes.service.js';
import { MailIntents } from './mail-intents.js';

export const SEND_OTP_MESSAGE = 'If sign-in is available for this email, we have sent a verification code.';

@Injectable()
export class EmailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codes: CodesService,
    private readonly mail: MailIntents,
  ) {}

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
