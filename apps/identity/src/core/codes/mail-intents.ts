import { Injectable } from '@nestjs/common';
import { QUEUES, type EmailTemplate, type SendEmailJob } from '@app/contracts';
import { Outbox, type Tx } from '@app/core';
import { MailSettingsRepository } from '../auth-config/mail-settings.repository.js';

/**
 * Records "send this mail" in the caller's transaction (transactional outbox). The request never
 * waits on Redis or SMTP; the relay hands the job to the mailer's queue once committed (the
 * outbox nudges it after the commit).
 */
@Injectable()
export class MailIntents {
  constructor(
    private readonly outbox: Outbox,
    private readonly settings: MailSettingsRepository,
  ) {}

  /** The job carries the saved SMTP settings and template in force now (see SendEmailJob). */
  async record(tx: Tx, mail: { template: EmailTemplate; to: string; vars: SendEmailJob['vars']; requestId?: string }): Promise<string> {
    const settings = await this.settings.snapshot(tx, mail.template);
    return this.outbox.add(tx, QUEUES.EMAIL, 'send-email', (messageId) => ({
      messageId,
      template: mail.template,
      to: mail.to,
      vars: mail.vars,
      requestId: mail.requestId,
      occurredAt: new Date().toISOString(),
      ...settings,
    }));
  }
}
