import {
  type ArgumentsHost,
  Catch,
  Controller,
  type DynamicModule,
  type ExceptionFilter,
  Get,
  HttpException,
  Inject,
  Module,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { Public } from '../http/public.decorator.js';
import { REDIS } from '../redis/redis.module.js';

const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
interface HealthOptions {
  database: boolean;
}

/** A failed check is a 503 with terminus' report of what is down, not an API error body. */
@Catch(HttpException)
class HealthReportFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(exception.getStatus()).send(exception.getResponse());
  }
}

/**
 * `/health/live`: the process answers (never checks dependencies, so a Redis outage does not get
 * pods restarted). `/health/ready`: PostgreSQL (when the app has one) and Redis answer within 1 s.
 */
@Public()
@UseFilters(HealthReportFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
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
    return this.health.check(checks);
  }
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}
