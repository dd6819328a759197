import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/common.env.js';

export const REDIS = Symbol('REDIS');

export function redisOptions(c: RedisConfig): RedisOptions {
  return { host: c.REDIS_HOST, port: c.REDIS_PORT, password: c.REDIS_PASSWORD || undefined, db: c.REDIS_DB };
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * A shared ioredis client for request-path work (rate limits, health, markers). Commands fail at
 * once while Redis is away (no offline queue), so requests degrade instead of hanging; the client
 * reconnects by itself.
 */
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
            const client = new Redis({
              ...redisOptions(config),
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              retryStrategy: (n) => Math.min(n * 200, 2000),
            });
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
