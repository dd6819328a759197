import { Controller, Get, Header, Module } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Public } from '../http/public.decorator.js';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

let defaultsCollected = false;
/** Process metrics (CPU, memory, event-loop lag), once per process. */
export function collectProcessMetrics(app: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  register.setDefaultLabels({ app });
  collectDefaultMetrics();
}

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

export const httpRequestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'],
});

export function httpMetricsHook(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const route = req.routeOptions?.url ?? 'unmatched';
  const labels = { method: req.method, route, status: String(reply.statusCode) };
  httpRequestsTotal.inc(labels);
  httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
  done();
}

@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

/** Prometheus `/metrics` for the app's own port (not routed by the gateway or ingress). */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
