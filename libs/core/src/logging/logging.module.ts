import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { requestIdOf } from '../http/request-id.js';

/** JSON logs (pino) with the request id on every line; secrets in headers are redacted. */
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
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
