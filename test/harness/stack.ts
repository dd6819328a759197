import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE_URL,
  DATA,
  DB_ROLES,
  MANAGEMENT_URL,
  OAUTH_TEST_CLIENTS,
  OIDC_CUSTOM_CLIENT,
  OIDC_JWKS_FILE,
  OIDC_NATIVE_APPS,
  OIDC_NATIVE_REDIRECT,
  PORTS,
  ROOT,
  SINK_URL,
  stackEnv,
} from './env.ts';

/**
 * The processes of the e2e stack, started the way they are deployed: each app its own process,
 * the gateway in front. Their pids live in a state file so that global setup, the test files
 * (which stop and restart apps) and global teardown all see the same stack.
 */
export type ProcName = 'identity' | 'identity2' | 'profiles' | 'mailer' | 'mailer2' | 'gateway' | 'sink' | 'oidcProvider' | 'oauthServer';

/** A test provider's registration of identity: its callback through the base URL. */
const oauthClient = (provider: keyof typeof OAUTH_TEST_CLIENTS) => [
  {
    client_id: OAUTH_TEST_CLIENTS[provider].clientId,
    client_secret: OAUTH_TEST_CLIENTS[provider].clientSecret,
    redirect_uris: [`${BASE_URL}/api/auth/oauth/${provider}/callback`],
  },
];

/** The local OpenID provider's clients: identity as Google and as a custom provider, and native apps. */
const oidcClients = () => [
  ...oauthClient('google'),
  {
    client_id: OIDC_CUSTOM_CLIENT.clientId,
    client_secret: OIDC_CUSTOM_CLIENT.clientSecret,
    redirect_uris: [`${BASE_URL}/api/auth/oauth/custom/${OIDC_CUSTOM_CLIENT.key}/callback`],
  },
  ...Object.values(OIDC_NATIVE_APPS).map((clientId) => ({
    client_id: clientId,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: [OIDC_NATIVE_REDIRECT],
  })),
];

/**
 * The local provider's signing key (RS256), made once per data directory: the provider signs with
 * it, and the ID-token tests sign forged tokens with it (a good signature on bad claims).
 */
function oidcSigningKeys(): string {
  if (!existsSync(OIDC_JWKS_FILE)) {
    mkdirSync(DATA, { recursive: true });
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    writeFileSync(OIDC_JWKS_FILE, JSON.stringify({ keys: [{ ...jwk, kid: 'e2e-oidc-rs256', alg: 'RS256', use: 'sig' }] }));
  }
  return readFileSync(OIDC_JWKS_FILE, 'utf8');
}

const STATE = join(DATA, 'stack.json');
export const LOGS = join(DATA, 'logs');

interface Command {
  args: string[];
  ready?: string;
  env?: Record<string, string>;
  /** Environment made at start (keys written to the data directory on first use). */
  lazyEnv?: () => Record<string, string>;
  /** Not node: returns the binary and its arguments (nginx, after writing its configuration). */
  prepare?: (env: NodeJS.ProcessEnv) => { bin: string; args: string[] };
}

/** The edge: nginx configured from gateway/routes.json by gateway/nginx.mjs, as `npm run up` runs it. */
function prepareNginx(env: NodeJS.ProcessEnv): { bin: string; args: string[] } {
  const out = execFileSync(process.execPath, ['gateway/nginx.mjs', 'config', '--json'], { cwd: ROOT, env, encoding: 'utf8' });
  const { nginxBin, args } = JSON.parse(out) as { nginxBin: string; args: string[] };
  return { bin: nginxBin, args };
}

const COMMANDS: Record<ProcName, Command> = {
  identity: {
    args: ['dist/apps/identity/main.js'],
    ready: `${MANAGEMENT_URL.identity}/health/ready`,
    env: { ...DB_ROLES.identity },
  },
  // A second replica of identity on its own ports: same database, Redis and secrets, started by
  // the tests that need two (live config, caches, OAuth state across replicas), stopped by them.
  identity2: {
    args: ['dist/apps/identity/main.js'],
    ready: `${MANAGEMENT_URL.identity2}/health/ready`,
    env: {
      ...DB_ROLES.identity,
      IDENTITY_PORT: String(PORTS.identity2),
      IDENTITY_MANAGEMENT_PORT: String(PORTS.identity2Management),
    },
  },
  profiles: {
    args: ['dist/apps/profiles/main.js'],
    ready: `${MANAGEMENT_URL.profiles}/health/ready`,
    env: { ...DB_ROLES.profiles },
  },
  mailer: { args: ['dist/apps/mailer/main.js'], ready: `${MANAGEMENT_URL.mailer}/health/ready` },
  mailer2: {
    args: ['dist/apps/mailer/main.js'],
    ready: `${MANAGEMENT_URL.mailer2}/health/ready`,
    env: { MAILER_MANAGEMENT_PORT: String(PORTS.mailer2Management) },
  },
  gateway: {
    args: [],
    prepare: prepareNginx,
    ready: `http://127.0.0.1:${PORTS.gateway}/healthz`,
    env: { NGINX_PREFIX: join(DATA, 'nginx'), NGINX_WORKER_PROCESSES: '1' },
  },
  oidcProvider: {
    args: ['test/harness/oidc-provider.mjs'],
    ready: `http://127.0.0.1:${PORTS.oidcProvider}/health`,
    env: { OIDC_PORT: String(PORTS.oidcProvider), OIDC_CLIENTS: JSON.stringify(oidcClients()) },
    lazyEnv: () => ({ OIDC_JWKS: oidcSigningKeys() }),
  },
  oauthServer: {
    args: ['test/harness/oauth-server.mjs'],
    ready: `http://127.0.0.1:${PORTS.oauthServer}/health`,
    env: { OAUTH_SERVER_PORT: String(PORTS.oauthServer), OAUTH_SERVER_CLIENTS: JSON.stringify(oauthClient('github')) },
  },
  sink: {
    args: ['test/harness/mail-sink.mjs'],
    ready: `${SINK_URL}/health`,
    env: { SINK_SMTP_PORT: String(PORTS.smtp), SINK_HTTP_PORT: String(PORTS.sinkHttp) },
  },
};

type State = Partial<Record<ProcName, number>>;
const readState = (): State => (existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as State) : {});
const writeState = (s: State) => {
  mkdirSync(DATA, { recursive: true });
  writeFileSync(STATE, JSON.stringify(s));
};

export const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1500) }).then(
    (r) => r.ok,
    () => false,
  );

/** Starts one process of the stack and waits until it is ready. */
export async function start(name: ProcName, env: Record<string, string> = {}, opts: { waitReady?: boolean } = {}): Promise<number> {
  const cmd = COMMANDS[name];
  // One process per name. A second one would die on the taken port while the first answered its
  // ready check with other settings: say so instead (the file that started it must stop it).
  const running = readState()[name];
  if (alive(running)) throw new Error(`${name} is already running (pid ${running}): stop('${name}') before starting it again`);
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(join(LOGS, `${name}.log`), 'a');
  const childEnv = { ...process.env, ...stackEnv(), ...cmd.env, ...cmd.lazyEnv?.(), ...env };
  const { bin, args } = cmd.prepare ? cmd.prepare(childEnv) : { bin: process.execPath, args: cmd.args };
  const child = spawn(bin, args, {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  child.unref();
  const pid = child.pid!;
  writeState({ ...readState(), [name]: pid });
  if (opts.waitReady !== false && cmd.ready) {
    await waitFor(
      async () => {
        if (!alive(pid)) throw new Error(`${name} exited during start; see ${join(LOGS, `${name}.log`)}`);
        return answers(cmd.ready!);
      },
      60_000,
      `${name} to be ready`,
    );
  }
  return pid;
}

/** Stops one process (SIGTERM: graceful; SIGKILL: a crash) and waits until it is gone. */
export async function stop(name: ProcName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = readState()[name];
  if (alive(pid)) {
    process.kill(pid!, signal);
    await waitFor(() => !alive(pid), 30_000, `${name} to exit`);
  }
  const s = readState();
  delete s[name];
  writeState(s);
}

export const pidOf = (name: ProcName): number | undefined => readState()[name];

export async function stopAll(): Promise<void> {
  for (const name of Object.keys(readState()) as ProcName[]) await stop(name).catch(() => undefined);
}

/** The test Redis: our own instance on its own port, so tests can stop and restart it. */
export const redis = {
  /**
   * `durable`: an append-only file synced on every write, as a production Redis behind BullMQ
   * should run, so a Redis killed with SIGKILL comes back with its queued jobs.
   */
  start(opts: { durable?: boolean } = {}): void {
    mkdirSync(join(DATA, 'redis'), { recursive: true });
    mkdirSync(LOGS, { recursive: true });
    execFileSync('redis-server', [
      '--port',
      String(PORTS.redis),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      opts.durable ? 'yes' : 'no',
      ...(opts.durable ? ['--appendfsync', 'always', '--appenddirname', 'aof'] : []),
      '--daemonize',
      'yes',
      '--dir',
      join(DATA, 'redis'),
      '--pidfile',
      join(DATA, 'redis', 'redis.pid'),
      '--logfile',
      join(LOGS, 'redis.log'),
    ]);
  },
  async waitUp(): Promise<void> {
    await waitFor(() => redis.ping(), 10_000, 'redis');
  },
  ping(): boolean {
    try {
      return (
        execFileSync('redis-cli', ['-p', String(PORTS.redis), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim() === 'PONG'
      );
    } catch {
      return false;
    }
  },
  /** A crash: SIGKILL, no chance to save or close connections cleanly. */
  kill(): void {
    const pid = Number(readFileSync(join(DATA, 'redis', 'redis.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
  },
  stop(): void {
    try {
      execFileSync('redis-cli', ['-p', String(PORTS.redis), 'shutdown', 'nosave'], { stdio: 'ignore' });
    } catch {
      /* already down */
    }
  },
};
