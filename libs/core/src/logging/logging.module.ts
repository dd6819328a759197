import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { requestIdOf } from '../http/request-id.js';

/**
 * JSON logs (pino): one line per answered request (method, path, status, time) and the request id
 * on every line logged while serving it; secrets in headers are redacted.
 */
@Module({})
export class LoggingModule {
  static forRoot(opts: { app: string; level: string }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: opts.level,
            base: { app: opts.app },
            genReqId: (req) => requestIdOf(req as never),
            customAttributeKeys: { reqId: 'requestId' },
            // lines logged while serving a request carry its id alone, not the whole request
            quietReqLogger: true,
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') },
          },
          // Every route. nestjs-pino's default ('{/*splat}') matches nothing under Nest 12's
          // Fastify adapter: no request was logged and warnings inside a request lost its id.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
