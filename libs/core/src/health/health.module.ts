import { type DynamicModule, HttpException, Inject, Injectable, Module } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module.js';
import { lifecycle } from './lifecycle.js';

const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
interface HealthOptions {
  database: boolean;
  /**
   * Whether the app can serve nothing without Redis (the mailer: its work comes from a queue).
   * identity and profiles serve without it (in-memory rate limits, the outbox holds jobs), so a
   * Redis blip must not make every pod unready: Redis is then reported, not required.
   */
  redisRequired?: boolean;
}

/** A health report as the management server sends it: terminus' report, 200 or 503. */
export interface HealthReport {
  status: number;
  body: unknown;
}

/**
 * `/health/live`: the process answers (never checks dependencies, so an outage does not get pods
 * restarted). `/health/ready`: whether the app can serve its traffic now: not shutting down,
 * PostgreSQL answering within 1 s (identity, profiles), Redis too where the app needs it (mailer);
 * elsewhere Redis is reported under `info` without failing readiness.
 * Served by the management server (management-server.ts), never on the API port.
 */
@Injectable()
export class HealthChecks {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  live(): Promise<HealthReport> {
    return this.report(() => this.health.check([]));
  }

  ready(): Promise<HealthReport> {
    const redisUp = async () => {
      if ((await this.redis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
    };
    const checks = [
      async () => {
        const shutdown = this.indicators.check('shutdown');
        return lifecycle.draining ? shutdown.down({ draining: true }) : shutdown.up();
      },
      this.options.redisRequired
        ? () => this.indicators.check('redis').attempt(redisUp).withTimeout(1000)
        : async () => {
            const redis = this.indicators.check('redis');
            const reachable = await withDeadline(redisUp(), 1000).then(
              () => true,
              () => false,
            );
            return reachable ? redis.up() : redis.up({ reachable: false, degraded: 'in-memory rate limits; jobs wait in the outbox' });
          },
    ];
    if (this.options.database) checks.push(() => this.db.pingCheck('database').withTimeout(1000) as never);
    return this.report(() => this.health.check(checks as never));
  }

  /** A failed check is a 503 with terminus' report of what is down, not an API error body. */
  private async report(check: () => Promise<unknown>): Promise<HealthReport> {
    try {
      return { status: 200, body: await check() };
    } catch (e) {
      if (e instanceof HttpException) return { status: e.getStatus(), body: e.getResponse() };
      throw e;
    }
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() =>
    clearTimeout(t),
  );
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }, HealthChecks],
      exports: [HealthChecks],
    };
  }
}
