import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import { EMAIL_TEMPLATES, QUEUES, type SendEmailJob } from '@app/contracts';
import { startWorker } from '@app/core';
import { DeliveryMarkers } from './delivery/delivery-markers.js';
import { MailerConfig } from './mailer.config.js';
import { MailerMetrics } from './mailer.metrics.js';
import type { Branding } from '@app/core/mail/mail-branding.js';
import { loadTemplates, render, renderSaved } from '@app/core/mail/templates.js';
import { MailTransport } from './transport/mail-transport.js';

export type SendResult = 'sent' | 'duplicate';

/**
 * Renders and delivers one message per job. Idempotent by message id; throws to let BullMQ retry
 * with backoff (the job keeps failed attempts for inspection). The worker is built here rather than
 * with @Processor because its concurrency, lock and stall settings come from validated config.
 */
@Injectable()
export class SendEmailWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SendEmailWorker');
  private readonly templates;
  private readonly branding: Branding;
  private worker?: Worker<SendEmailJob, SendResult>;

  constructor(
    @Inject(MailerConfig) private readonly config: MailerConfig,
    private readonly transport: MailTransport,
    private readonly markers: DeliveryMarkers,
    private readonly metrics: MailerMetrics,
  ) {
    this.branding = {
      productName: config.MAIL_PRODUCT_NAME,
      productUrl: config.MAIL_PRODUCT_URL,
      logoUrl: config.MAIL_LOGO_URL ?? '',
      brandColor: config.MAIL_BRAND_COLOR,
    };
    this.templates = loadTemplates(config.MAIL_TEMPLATES_DIR, this.branding);
  }

  async handle(job: Pick<Job<SendEmailJob>, 'data'>): Promise<SendResult> {
    const mail = job.data;
    if (!EMAIL_TEMPLATES.includes(mail.template)) throw new UnrecoverableError(`unknown template ${mail.template}`);
    let content;
    try {
      content = mail.custom
        ? renderSaved(mail.custom, mail.vars, this.branding)
        : render(this.templates[mail.template], mail.vars, this.branding);
    } catch (err) {
      throw new UnrecoverableError(`cannot render ${mail.template}: ${(err as Error).message}`); // retrying cannot fix it
    }
    const claim = await this.markers.claimUnlessSent(mail.messageId, this.config.MAILER_LOCK_MS);
    if (claim === 'sent') {
      this.metrics.duplicates.inc();
      return 'duplicate';
    }
    if (claim === 'busy') throw new Error(`message ${mail.messageId} is being sent by another worker`);
    const stop = this.metrics.sendLatency.startTimer();
    try {
      await this.transport.send(
        {
          // on our own domain, so mail systems can tell a resend of the same message (see README)
          messageId: `<${mail.messageId}@${this.config.mailDomain}>`,
          to: mail.to,
          ...content,
          headers: {
            // RFC 3834: vacation responders and auto-replies must not answer
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'All',
            ...(mail.requestId ? { 'X-Request-Id': mail.requestId } : {}),
          },
        },
        mail.smtp,
      );
    } catch (err) {
      await this.markers.release(mail.messageId).catch(() => undefined);
      throw err;
    }
    stop();
    await this.markers.markSent(mail.messageId);
    this.metrics.sent.inc({ template: mail.template });
    this.metrics.endToEnd.observe((Date.now() - Date.parse(mail.occurredAt)) / 1000);
    this.logger.log({ messageId: mail.messageId, template: mail.template, requestId: mail.requestId }, 'mail accepted');
    return 'sent';
  }

  onApplicationBootstrap(): void {
    const worker = startWorker<SendEmailJob, SendResult>(QUEUES.EMAIL, (job) => this.handle(job), this.config, this.logger, {
      concurrency: this.config.MAILER_CONCURRENCY,
      lockDuration: this.config.MAILER_LOCK_MS,
      stalledInterval: this.config.MAILER_STALLED_INTERVAL_MS,
      maxStalledCount: 5,
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
      (final ? this.metrics.failed : this.metrics.retried).inc({ template: job.data.template });
      this.logger.warn({ messageId: job.data.messageId, attempt: job.attemptsMade, final, err: err.message }, 'mail attempt failed');
    });
    this.worker = worker;
    this.logger.log(`delivering via ${this.transport.kind}`);
  }

  /** SIGTERM: stop taking jobs, finish the ones in hand, then exit. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.transport.close();
  }
}
