import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@app/core';

const SENT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Per-message delivery markers in Redis, so a retried or re-delivered job does not send again
 * what SMTP already accepted, and two workers never send one message at the same time.
 */
@Injectable()
export class DeliveryMarkers {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async wasSent(messageId: string): Promise<boolean> {
    return (await this.redis.exists(`auth:mail:sent:${messageId}`)) === 1;
  }

  /** Claims the message for this worker; false while another worker holds it. */
  async claim(messageId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`auth:mail:sending:${messageId}`, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(messageId: string): Promise<void> {
    await this.redis.del(`auth:mail:sending:${messageId}`);
  }

  async markSent(messageId: string): Promise<void> {
    await this.redis.multi().set(`auth:mail:sent:${messageId}`, '1', 'EX', SENT_TTL_SECONDS).del(`auth:mail:sending:${messageId}`).exec();
  }
}
