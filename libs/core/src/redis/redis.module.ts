import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/common.env.js';

export const REDIS = Symbol('REDIS');

/** Connection settings every Redis client of ours shares (BullMQ's included). */
export function redisOptions(c: RedisConfig): RedisOptions {
  return {
    host: c.REDIS_HOST,
    port: c.REDIS_PORT,
    password: c.REDIS_PASSWORD || undefined,
    db: c.REDIS_DB,
    connectTimeout: c.REDIS_CONNECT_TIMEOUT_MS,
  };
}

/**
 * The request-path client: commands fail at once while Redis is away (no offline queue) and after
 * REDIS_COMMAND_TIMEOUT_MS when it stalls, so requests degrade instead of hanging; it reconnects
 * by itself every 200 ms to 2 s. (BullMQ's clients cannot have a command timeout: they block.)
 */
export function requestPathRedisOptions(c: RedisConfig): RedisOptions {
  return {
    ...redisOptions(c),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: c.REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (n) => Math.min(n * 200, 2000),
  };
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A shared ioredis client for request-path work (rate limits, health, markers, pub/sub). */
@Global()
@Module({})
export class RedisModule {
  static forRoot(config: RedisConfig): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () => {
            const logger = new Logger('Redis');
            const client = new Redis(requestPathRedisOptions(config));
            let down = false;
            client.on('error', (err) => {
              if (!down) logger.warn(`redis unavailable: ${err.message}`);
              down = true;
            });
            client.on('ready', () => {
              if (down) logger.log('redis available again');
              down = false;
            });
            return client;
          },
        },
        RedisCloser,
      ],
      exports: [REDIS],
    };
  }
}
