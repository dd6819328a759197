import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@app/core';

const SENT_TTL_SECONDS = 7 * 24 * 3600;

const CLAIM_UNLESS_SENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'sent' end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
return 'busy'`;

/**
 * Per-message delivery markers in Redis, so a retried or re-delivered job does not send again
 * what SMTP already accepted, and two workers never send one message at the same time.
 */
@Injectable()
export class DeliveryMarkers {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /**
   * Before a send, in one Redis round trip (a script, so nothing can come between the two):
   * 'sent' when the message went out already, otherwise claims it for this worker ('claimed') or
   * finds it held by another ('busy').
   */
  async claimUnlessSent(messageId: string, ttlMs: number): Promise<'sent' | 'claimed' | 'busy'> {
    const out = await this.redis.eval(
      CLAIM_UNLESS_SENT,
      2,
      `auth:mail:sent:${messageId}`,
      `auth:mail:sending:${messageId}`,
      String(process.pid),
      String(ttlMs),
    );
    return out as 'sent' | 'claimed' | 'busy';
  }

  async release(messageId: string): Promise<void> {
    await this.redis.del(`auth:mail:sending:${messageId}`);
  }

  async markSent(messageId: string): Promise<void> {
    await this.redis.multi().set(`auth:mail:sent:${messageId}`, '1', 'EX', SENT_TTL_SECONDS).del(`auth:mail:sending:${messageId}`).exec();
  }
}
