import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors/api-error.js';
import { REDIS } from '../redis/redis.module.js';

export interface LimitRule {
  /** how many requests (or failures) the window allows */
  points: number;
  /** window length in seconds */
  duration: number;
  /** once exhausted, refuse for this long (defaults to the rest of the window) */
  blockDuration?: number;
}

export const RATE_LIMIT_RULES = Symbol('RATE_LIMIT_RULES');
export interface RateLimitOptions {
  rules: Record<string, LimitRule>;
  /** tests and benchmarks raise every limit by this factor */
  multiplier: number;
}

/**
 * Rate limits shared by every replica (rate-limiter-flexible on Redis). While Redis is away each
 * process falls back to an in-memory limiter of the same rule instead of failing open or closed.
 * Identifiers are hashed before they become keys, so Redis holds no email addresses.
 */
@Injectable()
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(RATE_LIMIT_RULES) private readonly options: RateLimitOptions,
  ) {}

  private limiter(name: string): RateLimiterRedis {
    let l = this.limiters.get(name);
    if (!l) {
      const rule = this.options.rules[name];
      if (!rule) throw new Error(`no rate-limit rule named ${name}`);
      const opts = {
        keyPrefix: `auth:rl:${name}`,
        points: rule.points * this.options.multiplier,
        duration: rule.duration,
        blockDuration: rule.blockDuration ?? 0,
      };
      l = new RateLimiterRedis({
        ...opts,
        storeClient: this.redis,
        useRedisPackage: false,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(opts),
      });
      this.limiters.set(name, l);
    }
    return l;
  }

  static key(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);
  }

  /** Counts one request; throws 429 TOO_MANY_REQUESTS (with Retry-After, RateLimit-*) when over. */
  async consume(name: string, key: string, points = 1): Promise<void> {
    try {
      await this.limiter(name).consume(key, points);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw this.tooMany(name, res);
      throw res;
    }
  }

  /**
   * Refuses when the key is already exhausted, without counting (used before a failure counter).
   * Returns the points counted so far (0 when unknown), so a caller can skip clearing an empty one.
   */
  async assertNotBlocked(name: string, key: string): Promise<number> {
    const l = this.limiter(name);
    const res = await l.get(key).catch(() => null);
    if (res && res.consumedPoints >= l.points) throw this.tooMany(name, res);
    return res?.consumedPoints ?? 0;
  }

  /** Counts a failure without refusing this request (the next one is refused when over). */
  async penalize(name: string, key: string): Promise<void> {
    await this.limiter(name)
      .penalty(key, 1)
      .catch(() => undefined);
    const l = this.limiter(name);
    const res = await l.get(key).catch(() => null);
    if (res && res.consumedPoints >= l.points && l.blockDuration > 0) await l.block(key, l.blockDuration).catch(() => undefined);
  }

  async reset(name: string, key: string): Promise<void> {
    await this.limiter(name)
      .delete(key)
      .catch(() => undefined);
  }

  private tooMany(name: string, res: RateLimiterRes): ApiError {
    const limit = this.limiter(name).points;
    const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new ApiError(429, 'TOO_MANY_REQUESTS', 'Too many requests, please try again later.', undefined, {
      'Retry-After': String(retryAfter),
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(retryAfter),
    });
  }
}
