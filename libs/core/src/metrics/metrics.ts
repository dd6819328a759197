import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

// `/metrics` is served by the management server (health/management-server.ts), not the API port.

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
