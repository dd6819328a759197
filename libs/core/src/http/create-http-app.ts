import fastifyCookie from '@fastify/cookie';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ApiErrorFilter } from '../errors/error.filter.js';
import type { HttpConfig } from '../config/common.env.js';
import { lifecycle } from '../health/lifecycle.js';
import { isNoIpv6 } from '../health/management-server.js';
import { httpMetricsHook } from '../metrics/metrics.js';
import { frameworkError, rejectForbiddenInput } from './input-rules.js';
import { BodyError, parseJsonBody } from './json-body.js';
import { requestIdOf } from './request-id.js';
import { trustedProxyCheck } from './trusted-proxies.js';
import { createValidationPipe } from './validation.js';

/** How long closing may take (after the drain window) before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Graceful shutdown waits for jobs in hand and closes queues, which can hang while Redis is away:
 * after the deadline the process exits anyway, so a rollout or Ctrl-C never gets stuck.
 */
export function exitIfShutdownHangs(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting\n`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
  }
}

/**
 * Graceful shutdown of an app with an API. On SIGTERM (a rollout, `kill`): readiness turns 503 at
 * once while requests are still served for `drainMs`, so load balancers stop sending; then the
 * listeners close (no new connections), requests in flight finish, workers finish their jobs in
 * hand, pools close. SIGINT (Ctrl-C) skips the drain window. Closing can hang while Redis is away
 * (jobs in hand, queues), so after SHUTDOWN_DEADLINE_MS more the process exits anyway.
 */
function shutdownGracefully(app: NestFastifyApplication, drainMs: number): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    lifecycle.draining = true;
    const wait = signal === 'SIGTERM' ? drainMs : 0;
    setTimeout(() => {
      process.stderr.write(`shutdown did not finish within ${wait + SHUTDOWN_DEADLINE_MS} ms; exiting\n`);
      process.exit(1);
    }, wait + SHUTDOWN_DEADLINE_MS).unref();
    setTimeout(() => {
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${(err as Error)?.message ?? String(err)}\n`);
          process.exit(1);
        },
      );
    }, wait);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

export function parseOrigins(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

/**
 * The HTTP app every service shares: Fastify (about 5x Express on Node 20 for small JSON routes,
 * see README), request ids, strict JSON bodies, an origin allow-list for CORS, one error filter.
 */
export async function createHttpApp(
  module: unknown,
  config: Pick<HttpConfig, 'BODY_LIMIT_BYTES' | 'TRUSTED_PROXIES' | 'CORS_ORIGINS'> & { SHUTDOWN_DRAIN_MS?: number },
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Only these peers' X-Forwarded-For/-Proto count (fastify walks the chain with proxy-addr).
    trustProxy: trustedProxyCheck(config.TRUSTED_PROXIES),
    genReqId: requestIdOf,
    logger: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    frameworkErrors: frameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalFilters(new ApiErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  shutdownGracefully(app, config.SHUTDOWN_DRAIN_MS ?? 0);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      const err = e instanceof BodyError ? e : new BodyError('Malformed JSON in request body');
      done(err, undefined);
    }
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  // After the body is parsed, before any guard or handler (see input-rules.ts).
  fastify.addHook('preValidation', rejectForbiddenInput);
  fastify.addHook('onResponse', httpMetricsHook);

  await app.register(fastifyCookie as never);
  const origins = new Set(parseOrigins(config.CORS_ORIGINS));
  app.enableCors({
    // Only listed origins get CORS headers; an arbitrary origin is never reflected.
    origin: (origin: string | undefined, cb: (err: Error | null, allow: boolean) => void) => cb(null, !!origin && origins.has(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-CSRF-Token', 'X-Request-Id', 'If-None-Match'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'ETag'],
    maxAge: 600,
  });
  // @fastify/cors lets a preflight from an unlisted origin fall through to routing, where it met a
  // 404 that reads in DevTools like a missing route. Answer it 204 with no CORS headers: the browser
  // still blocks the request, and the console says why (CORS). This hook runs after the CORS one.
  fastify.addHook('onRequest', (req, reply, done) => {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] && !reply.hasHeader('access-control-allow-origin')) {
      void reply.header('vary', 'Origin').status(204).send();
      return;
    }
    done();
  });
  return app;
}

/** Listens on HOST (`::`: dual-stack), falling back to `0.0.0.0` only for the default on an IPv4-only kernel. */
export async function listenHttpApp(app: NestFastifyApplication, port: number, host: string): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (e) {
    if (host !== '::' || !isNoIpv6(e)) throw e;
    await app.listen({ port, host: '0.0.0.0' });
  }
}

/**
 * An app without an API port (the mailer): the Nest context with its workers, JSON logs and
 * graceful shutdown; its health and metrics go on the management server.
 */
export async function createWorkerApp(module: unknown): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module as never, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.enableShutdownHooks();
  exitIfShutdownHangs();
  return app;
}
