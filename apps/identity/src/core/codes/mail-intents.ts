import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QUEUES, type EmailTemplate, type SendEmailJob } from '@app/contracts';
import { Outbox } from '@app/core';
import { MailSettingsRepository } from '../auth-config/mail-settings.repository.js';

/**
 * Records "send this mail" in the caller's transaction (transactional outbox). The request never
 * waits on Redis or SMTP; the relay hands the job to the mailer's queue once committed.
 */
@Injectable()
export class MailIntents {
  constructor(
    private readonly outbox: Outbox,
    private readonly settings: MailSettingsRepository,
  ) {}

  /** The job carries the saved SMTP settings and template in force now (see SendEmailJob). */
  async record(
    m: EntityManager,
    mail: { template: EmailTemplate; to: string; vars: SendEmailJob['vars']; requestId?: string },
  ): Promise<string> {
    const settings = await this.settings.snapshot(m, mail.template);
    return this.outbox.add(m, QUEUES.EMAIL, 'send-email', (messageId) => ({
      messageId,
      template: mail.template,
      to: mail.to,
      vars: mail.vars,
      requestId: mail.requestId,
      occurredAt: new Date().toISOString(),
      ...settings,
    }));
  }

  /** Call after the transaction commits. */
  flush(): void {
    this.outbox.kick();
  }
}
