import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';
import { QUEUES } from '@app/contracts';

@Injectable()
export class MailerMetrics {
  readonly sent = new Counter({ name: 'mailer_sent_total', help: 'Messages accepted by the transport', labelNames: ['template'] });
  readonly failed = new Counter({ name: 'mailer_failed_total', help: 'Messages that exhausted their attempts', labelNames: ['template'] });
  readonly retried = new Counter({ name: 'mailer_retried_total', help: 'Failed attempts that will be retried', labelNames: ['template'] });
  readonly duplicates = new Counter({ name: 'mailer_duplicates_skipped_total', help: 'Jobs skipped because the message was already sent' });
  readonly sendLatency = new Histogram({
    name: 'mailer_send_seconds',
    help: 'Time the transport took to accept a message',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  readonly endToEnd = new Histogram({
    name: 'mailer_enqueue_to_accepted_seconds',
    help: 'From the recorded intent to the transport accepting the message',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });

  readonly queueJobs: Gauge;
  readonly oldestWaiting: Gauge;

  constructor(@InjectQueue(QUEUES.EMAIL) queue: Queue) {
    this.queueJobs = new Gauge({
      name: 'mailer_queue_jobs',
      help: 'Jobs in the email queue by state',
      labelNames: ['state'],
      async collect() {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed').catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n as number);
      },
    });
    // Depth alone hides a stuck queue: codes and links expire while their email waits.
    this.oldestWaiting = new Gauge({
      name: 'mailer_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting in the email queue (0 when none waits)',
      async collect() {
        // BullMQ pushes new jobs at the head of the wait list: ascending order starts at the oldest.
        const [oldest] = await queue.getWaiting(0, 0).catch(() => []);
        this.set(oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      },
    });
  }
}
