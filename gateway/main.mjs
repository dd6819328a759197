// The local gateway: one base URL in front of the apps, routing paths the way the Kubernetes
// Ingress does (k8s/base/ingress.yaml). The route table is routes.json; a test checks that the
// Ingress, the compose file and the apps agree with it. Built on @fastify/http-proxy.
import fastifyProxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const routes = JSON.parse(readFileSync(new URL('./routes.json', import.meta.url), 'utf8')).routes;
const env = process.env;
const port = Number(env.GATEWAY_PORT ?? 8080);
const upstreams = {
  identity: env.IDENTITY_URL ?? `http://127.0.0.1:${env.IDENTITY_PORT ?? 3001}`,
  profiles: env.PROFILES_URL ?? `http://127.0.0.1:${env.PROFILES_PORT ?? 3002}`,
};
// Like ingress-nginx's default, the client's own X-Forwarded-For is dropped and replaced by the
// connecting address, unless this gateway sits behind another trusted proxy.
const trustForwarded = env.GATEWAY_TRUST_FORWARDED === 'true';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const error = (reply, statusCode, code, message) =>
  reply.code(statusCode).type('application/json; charset=utf-8').send({ error: code, message, statusCode });

const app = Fastify({ logger: env.LOG_LEVEL === 'debug' ? { level: 'debug' } : false, trustProxy: false, bodyLimit: 1024 * 1024 });

for (const route of [...routes].sort((a, b) => b.prefix.length - a.prefix.length)) {
  const upstream = upstreams[route.upstream];
  if (!upstream) throw new Error(`routes.json: unknown upstream ${route.upstream}`);
  await app.register(fastifyProxy, {
    upstream,
    prefix: route.prefix,
    rewritePrefix: route.prefix,
    replyOptions: {
      rewriteRequestHeaders: (req, headers) => {
        const given = headers['x-request-id'];
        const forwarded = trustForwarded && headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.ip}` : req.ip;
        return {
          ...headers,
          'x-request-id': typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID(),
          'x-forwarded-for': forwarded,
          'x-forwarded-proto': headers['x-forwarded-proto'] && trustForwarded ? headers['x-forwarded-proto'] : 'http',
          'x-forwarded-host': headers.host ?? '',
        };
      },
      onError: (reply, { error: err }) => {
        app.log.warn({ err }, 'upstream unavailable');
        error(reply, 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
      },
    },
  });
}

app.get('/healthz', async () => ({ status: 'ok' }));
app.setNotFoundHandler((req, reply) => error(reply, 404, 'NOT_FOUND', `Endpoint ${req.url} not found`));
app.setErrorHandler((err, req, reply) => {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 502;
  error(reply, status, status === 502 ? 'SERVICE_UNAVAILABLE' : 'INVALID_INPUT', status === 502 ? 'Bad gateway' : err.message);
});

const close = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);

await app.listen({ port, host: '0.0.0.0' });
console.log(JSON.stringify({ app: 'gateway', msg: `listening on ${port}`, upstreams }));
