import type { Queue } from 'bullmq';
import { register } from 'prom-client';
import { MailerMetrics } from './mailer.metrics.js';

/** A stand-in for the queue's read methods: the gauges' arithmetic is under test, not BullMQ. */
function fakeQueue(waiting: { timestamp: number }[]): Queue {
  return {
    getJobCounts: async () => ({ waiting: waiting.length, active: 0, delayed: 0, failed: 0, completed: 0 }),
    getWaiting: async (start: number, end: number) => waiting.slice(start, end + 1),
  } as unknown as Queue;
}

describe('MailerMetrics queue gauges', () => {
  afterEach(() => register.clear());

  it('reports the age of the oldest waiting job and the depth', async () => {
    // getWaiting is ascending: index 0 is the oldest job.
    const metrics = new MailerMetrics(fakeQueue([{ timestamp: Date.now() - 90_000 }, { timestamp: Date.now() - 5_000 }]));
    const age = (await metrics.oldestWaiting.get()).values[0]!.value;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(3600);
    const depth = (await metrics.queueJobs.get()).values.find((v) => v.labels.state === 'waiting')!.value;
    expect(depth).toBe(2);
  });

  it('reports 0 when nothing waits', async () => {
    const metrics = new MailerMetrics(fakeQueue([]));
    expect((await metrics.oldestWaiting.get()).values[0]!.value).toBe(0);
  });
});
