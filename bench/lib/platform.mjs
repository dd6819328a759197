// The platform as the bench and the soak start it: bench-only loopback ports (BENCH_PORT_BASE),
// and the apps' environment (production mode, with bench-only secrets that are never used anywhere
// else). One definition, so that `npm run bench` and `npm run soak` measure the same thing.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const int = (env, name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number(env[name]));

/** Ports of everything a bench run starts, from BENCH_PORT_BASE (default 29000). */
export function benchPorts(env = process.env) {
  const base = int(env, 'BENCH_PORT_BASE', 29000);
  return {
    identity: base + 1,
    profiles: base + 2,
    identityManagement: base + 11,
    profilesManagement: base + 12,
    mailerManagement: base + 13,
    mailer2Management: base + 14,
    smtp: base + 25,
    sinkHttp: base + 26,
    redis: base + 79,
    gateway: base + 80,
    hello: base + 90,
  };
}

export const urlsOf = (ports) => ({
  gateway: `http://127.0.0.1:${ports.gateway}`,
  identity: `http://127.0.0.1:${ports.identity}`,
  profiles: `http://127.0.0.1:${ports.profiles}`,
  sink: `http://127.0.0.1:${ports.sinkHttp}`,
});

export const BENCH_ANON_KEY = 'anon_' + 'be'.repeat(32);

/** The configured argon2id cost (PASSWORD_ARGON2_*), as the apps and the raw measurement use it. */
export function argon2Env(env = process.env) {
  return {
    PASSWORD_ARGON2_MEMORY_KIB: String(int(env, 'PASSWORD_ARGON2_MEMORY_KIB', 19456)),
    PASSWORD_ARGON2_TIME_COST: String(int(env, 'PASSWORD_ARGON2_TIME_COST', 2)),
    PASSWORD_ARGON2_PARALLELISM: String(int(env, 'PASSWORD_ARGON2_PARALLELISM', 1)),
  };
}

/**
 * The apps' environment. `admin` is the root admin the run signs in with; `mailFrom` names the run
 * in the mail it sends.
 */
export function platformEnv({ ports, dbName, dataDir, admin, mailFrom, env = process.env }) {
  const urls = urlsOf(ports);
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: env.BENCH_LOG_LEVEL || 'warn',
    DB_HOST: env.DB_HOST ?? '127.0.0.1',
    DB_PORT: env.DB_PORT ?? '5432',
    DB_USER: env.DB_USER ?? 'auth',
    DB_PASSWORD: env.DB_PASSWORD ?? 'auth',
    DB_NAME: dbName,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(ports.redis),
    REDIS_PASSWORD: '',
    REDIS_DB: '0',
    GATEWAY_PORT: String(ports.gateway),
    NGINX_PREFIX: join(dataDir, 'nginx'),
    IDENTITY_PORT: String(ports.identity),
    PROFILES_PORT: String(ports.profiles),
    IDENTITY_MANAGEMENT_PORT: String(ports.identityManagement),
    PROFILES_MANAGEMENT_PORT: String(ports.profilesManagement),
    MAILER_MANAGEMENT_PORT: String(ports.mailerManagement),
    IDENTITY_URL: urls.identity,
    PROFILES_URL: urls.profiles,
    PUBLIC_BASE_URL: urls.gateway,
    JWT_ISSUER: `${urls.gateway}/api/auth`,
    JWKS_URL: `${urls.identity}/.well-known/jwks.json`,
    CORS_ORIGINS: 'http://localhost:3000',
    COOKIE_SECURE: 'false',
    ANON_KEY: BENCH_ANON_KEY,
    AUTH_HMAC_SECRET: 'bench-only-secret-bench-only-secret-0000',
    SMTP_SETTINGS_KEY: 'bench-only-smtp-settings-key-bench-only-0000',
    ROOT_ADMIN_USERNAME: admin.username,
    ROOT_ADMIN_PASSWORD: admin.password,
    RATE_LIMIT_MULTIPLIER: '100000',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(ports.smtp),
    SMTP_SECURE: 'false',
    SMTP_USER: '',
    SMTP_PASSWORD: '',
    MAIL_FROM: mailFrom,
    MAIL_TEMPLATES_DIR: '',
    SINK_SMTP_PORT: String(ports.smtp),
    SINK_HTTP_PORT: String(ports.sinkHttp),
    ...argon2Env(env),
    // As the deployment files set it for identity: one libuv pool thread (argon2id) per core, 2 to 4.
    UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE || String(Math.min(4, Math.max(2, availableParallelism()))),
  };
}

/** An app's readiness URL (health and metrics are on each app's management port). */
export const readyUrl = (port) => `http://127.0.0.1:${port}/health/ready`;

/**
 * Starts the platform in its order: the mail sink; identity and the mailer; profiles (it reads
 * identity's JWKS); then the edge as `npm run up` runs it (nginx configured from gateway/routes.json).
 */
export async function startPlatform(stack, ports) {
  const urls = urlsOf(ports);
  await stack.start('sink', ['test/harness/mail-sink.mjs'], { ready: `${urls.sink}/health` });
  await Promise.all([
    stack.start('identity', ['dist/apps/identity/main.js'], { ready: readyUrl(ports.identityManagement) }),
    stack.start('mailer', ['dist/apps/mailer/main.js'], { ready: readyUrl(ports.mailerManagement) }),
  ]);
  await stack.start('profiles', ['dist/apps/profiles/main.js'], { ready: readyUrl(ports.profilesManagement) });
  await stack.start('gateway', ['gateway/nginx.mjs', 'run'], { ready: `${urls.gateway}/healthz` });
}

/**
 * Stops everything the run started on Ctrl-C, SIGTERM or exit. Returns `shutdown(code)`, which
 * stops it all and exits; `shutdown.started()` says whether that has begun (a signal arrived).
 */
export function stopAllOnExit(stack, log) {
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping everything this run started');
    await stack.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
  process.on('exit', () => stack.killAllNow());
  shutdown.started = () => stopping;
  return shutdown;
}
