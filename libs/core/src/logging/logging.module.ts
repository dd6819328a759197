import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { requestIdOf } from '../http/request-id.js';

/** The levels at which a line per request is written. */
const REQUEST_LEVELS = new Set(['info', 'debug', 'trace']);

/**
 * JSON logs (pino): one line per answered request (method, path, status, time; never its headers)
 * and the request id on every line logged while serving it.
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
            // A request line names the request, not its headers: no credential (Authorization,
            // Cookie, X-CSRF-Token, Set-Cookie) can reach a log, and nothing has to be redacted
            // on every line (serialising and redacting every header cost ~45 µs per request).
            serializers: {
              req: (req: { id?: unknown; method?: string; url?: string; originalUrl?: string }) => ({
                id: req.id,
                method: req.method,
                url: req.originalUrl ?? req.url,
              }),
              res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') },
          },
          // Every route, when request lines are logged at all (they are info lines). nestjs-pino's
          // default ('{/*splat}') matches nothing under Nest 12's Fastify adapter. Above info the
          // request logger is not mounted: it would build each request's child loggers for
          // nothing (measured with `npm run bench`, see the README's Performance section).
          forRoutes: REQUEST_LEVELS.has(opts.level) ? [{ path: '{*splat}', method: RequestMethod.ALL }] : [],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
