import type { INestApplicationContext } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { register } from 'prom-client';
import { HealthChecks, type HealthReport } from './health.module.js';

/**
 * The management port: `/health/live`, `/health/ready` and `/metrics`, on a server of their own
 * (`<APP>_MANAGEMENT_PORT`) that neither the edge nor the Ingress routes, so nobody outside the
 * cluster network reads metrics, and the API port serves the API only. A bare node:http server:
 * three fixed paths need no framework, and probes keep answering while the API is busy.
 */
export async function startManagementServer(app: INestApplicationContext, port: number, host: string): Promise<Server> {
  const health = app.get(HealthChecks, { strict: false });
  const server = createServer((req, res) => void handle(health, req, res));
  server.keepAliveTimeout = 65_000;
  await listenDualStack(server, port, host);
  // The server must not outlive the app: a closed app leaves nothing listening.
  const close = app.close.bind(app);
  app.close = async () => {
    server.close();
    server.closeAllConnections();
    await close();
  };
  return server;
}

async function handle(health: HealthChecks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { error: 'METHOD_NOT_ALLOWED', message: 'Use GET', statusCode: 405 });
    if (path === '/health/live') return sendReport(res, await health.live());
    if (path === '/health/ready') return sendReport(res, await health.ready());
    if (path === '/metrics') {
      const text = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    send(res, 404, {
      error: 'NOT_FOUND',
      message: 'Not found: this port serves /health/live, /health/ready and /metrics',
      statusCode: 404,
    });
  } catch {
    send(res, 500, { error: 'INTERNAL_ERROR', message: 'Internal server error', statusCode: 500 });
  }
}

const sendReport = (res: ServerResponse, report: HealthReport) => send(res, report.status, report.body);

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : json);
}

/**
 * Listens on HOST (`::` by default: IPv4 and IPv6 on one socket). Where the kernel has no IPv6 at
 * all, the default falls back to `0.0.0.0` instead of failing; an explicit HOST never falls back.
 */
export async function listenDualStack(server: Server, port: number, host: string): Promise<void> {
  try {
    await listenOnce(server, port, host);
  } catch (e) {
    if (host !== '::' || !isNoIpv6(e)) throw e;
    await listenOnce(server, port, '0.0.0.0');
  }
}

export const isNoIpv6 = (e: unknown): boolean => ['EAFNOSUPPORT', 'EADDRNOTAVAIL'].includes((e as NodeJS.ErrnoException)?.code ?? '');

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
