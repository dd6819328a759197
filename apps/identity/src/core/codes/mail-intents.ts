import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { QUEUES, type EmailTemplate, type SendEmailJob } from '@app/contracts';
import { Outbox } from '@app/core';

/**
 * Records "send this mail" in the caller's transaction (transactional outbox). The request never
 * waits on Redis or SMTP; the relay hands the job to the mailer's queue once committed.
 */
@Injectable()
export class MailIntents {
  constructor(private readonly outbox: Outbox) {}

  record(m: EntityManager, mail: { template: EmailTemplate; to: string; vars: SendEmailJob['vars']; requestId?: string }): Promise<string> {
    return this.outbox.add(m, QUEUES.EMAIL, 'send-email', (messageId) => ({
      messageId,
      template: mail.template,
      to: mail.to,
      vars: mail.vars,
      requestId: mail.requestId,
      occurredAt: new Date().toISOString(),
    }));
  }

  /** Call after the transaction commits. */
  flush(): void {
    this.outbox.kick();
  }
}
