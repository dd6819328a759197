import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Inject, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type Processor, type Queue, Worker, type WorkerOptions } from 'bullmq';
import type { QueueName } from '@app/contracts';
import type { RedisConfig } from '../config/common.env.js';
import { redisOptions } from '../redis/redis.module.js';

/** Prefix of every BullMQ key, so the platform can share a Redis with others. */
export const QUEUE_PREFIX = 'auth';

/**
 * How every BullMQ client of ours connects: our key prefix, and a connection that waits for Redis
 * (BullMQ needs `maxRetriesPerRequest: null`) and reconnects at most every 2 s after an outage.
 */
export function bullConnection(c: RedisConfig) {
  return {
    prefix: QUEUE_PREFIX,
    connection: { ...redisOptions(c), maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(n * 200, 2000) },
  };
}

/**
 * A BullMQ worker of ours: our connection, and an 'error' listener, without which a Redis outage
 * (expected, and survived by reconnecting) would crash the process.
 */
export function startWorker<T = unknown, R = unknown>(
  queue: QueueName,
  processor: Processor<T, R>,
  config: RedisConfig,
  logger: Logger,
  options: Partial<Omit<WorkerOptions, 'connection' | 'prefix'>> = {},
): Worker<T, R> {
  const worker = new Worker<T, R>(queue, processor, { ...bullConnection(config), ...options });
  worker.on('error', (err) => logger.warn(`worker error: ${err.message}`));
  logger.log(`consuming "${queue}" with concurrency ${worker.concurrency}`);
  return worker;
}

export function queueRootModule(c: RedisConfig): DynamicModule {
  return BullModule.forRoot(bullConnection(c));
}

const QUEUE_NAMES = Symbol('QUEUE_NAMES');

/** Redis outages are expected: log them once per outage instead of letting ioredis shout. */
@Injectable()
class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(QUEUE_NAMES) private readonly names: QueueName[],
  ) {}

  onModuleInit(): void {
    for (const name of this.names) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      let last = 0;
      queue.on('error', (err) => {
        if (Date.now() - last > 30_000) this.logger.warn(`queue ${name}: ${err.message}`);
        last = Date.now();
      });
    }
  }
}

@Module({})
export class QueuesModule {
  static register(...names: QueueName[]): DynamicModule {
    const queues = BullModule.registerQueue(...names.map((name) => ({ name })));
    return {
      module: QueuesModule,
      imports: [queues],
      providers: [{ provide: QUEUE_NAMES, useValue: names }, QueueErrorLogger],
      exports: [queues],
    };
  }
}

export const queuesModule = (...names: QueueName[]) => QueuesModule.register(...names);
