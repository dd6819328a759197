import { type DynamicModule, HttpException, Inject, Injectable, Module } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module.js';

const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
interface HealthOptions {
  database: boolean;
}

/** A health report as the management server sends it: terminus' report, 200 or 503. */
export interface HealthReport {
  status: number;
  body: unknown;
}

/**
 * `/health/live`: the process answers (never checks dependencies, so a Redis outage does not get
 * pods restarted). `/health/ready`: PostgreSQL (when the app has one) and Redis answer within 1 s.
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
    const checks = [
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            if ((await this.redis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
          })
          .withTimeout(1000),
    ];
    if (this.options.database) checks.push(() => this.db.pingCheck('database').withTimeout(1000) as never);
    return this.report(() => this.health.check(checks));
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
