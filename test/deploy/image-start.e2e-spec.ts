import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DB_NAME, PORTS, ROOT, stackEnv } from '../harness/env.js';
import { randomEmail, randomIp } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';
import { effectiveCmd, effectiveUser, findStage, lineage, parseDockerfile, type Stage } from './dockerfile-parser.js';
import { readEnvExample } from './env-contract.js';
import { parseYamlFile, readRepoFile } from './repo-files.js';

/**
 * The images without Docker: for each app target, a directory assembled exactly as the Dockerfile
 * assembles /app (its COPY steps; the prod-deps stage's RUN executed as written), started with the
 * target's CMD as its non-root USER, the base image's ENV and the docker-compose.yml environment
 * of that service, interpolated from `.env.example` copied as `.env`, as the README says. Only the
 * addresses change: compose's service names and ports become the e2e stack's PostgreSQL, Redis and
 * SMTP sink, and ports of this test's own. Then the platform must answer.
 * The images get a database of their own, provisioned like compose's `postgres-provision` does, and
 * a Redis database of their own: their development secrets never meet the e2e stack's data.
 */
const IMAGE_DB = DB_NAME.replace(/_test$/, '_images_test');
const IMAGE_REDIS_DB = '7';
const APPS = ['identity', 'profiles', 'mailer'] as const;
type App = (typeof APPS)[number];

const stages = parseDockerfile(readRepoFile('Dockerfile'));
const stage = (name: string): Stage => {
  const found = findStage(stages, name);
  if (!found) throw new Error(`Dockerfile has no stage ${name}`);
  return found;
};
type ComposeService = { command?: string[]; environment?: Record<string, unknown> };
const compose = parseYamlFile<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const dotenv = new Map(readEnvExample().map((v) => [v.name, v.value]));

/** Compose interpolation of `${VAR}`, `${VAR:?msg}`, `${VAR?msg}`, `${VAR:-default}` from .env. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    const v = dotenv.get(name);
    if (op?.endsWith('?') && (v === undefined || (op === ':?' && v === ''))) throw new Error(`compose would refuse to start: ${arg}`);
    if (op?.endsWith('-') && (v === undefined || (op === ':-' && v === ''))) return arg;
    return v ?? '';
  });
}

/** Compose's addresses -> the e2e stack's, and this test's own ports for the apps. */
const PORT_MAP: Record<string, string> = {
  '3001': String(PORTS.imageIdentity),
  '3002': String(PORTS.imageProfiles),
  '9001': String(PORTS.imageIdentityManagement),
  '9002': String(PORTS.imageProfilesManagement),
  '9003': String(PORTS.imageMailerManagement),
};
function pointAtTestServices(env: Record<string, string>): Record<string, string> {
  const stack = stackEnv();
  const out = { ...env };
  const hosts: Record<string, [string, string]> = {
    DB_HOST: ['DB_PORT', stack.DB_PORT!],
    REDIS_HOST: ['REDIS_PORT', String(PORTS.redis)],
    SMTP_HOST: ['SMTP_PORT', String(PORTS.smtp)],
  };
  for (const [host, [port, value]] of Object.entries(hosts)) {
    if (!(host in out)) continue;
    out[host] = host === 'DB_HOST' ? stack.DB_HOST! : '127.0.0.1';
    out[port] = value;
  }
  if ('DB_NAME' in out) out.DB_NAME = IMAGE_DB;
  if ('REDIS_DB' in out) out.REDIS_DB = IMAGE_REDIS_DB;
  for (const [key, value] of Object.entries(out)) {
    if (/_PORT$/.test(key) && PORT_MAP[value]) out[key] = PORT_MAP[value];
    if (/_URL$/.test(key)) out[key] = value.replace(/\/\/identity:(\d+)/, (_m, p: string) => `//127.0.0.1:${PORT_MAP[p] ?? p}`);
  }
  // This test reaches identity directly from 127.0.0.1 and names a client IP per request.
  if ('TRUSTED_PROXIES' in out) out.TRUSTED_PROXIES = '127.0.0.1/32,::1/128';
  return out;
}

const envOfStage = (s: Stage): Record<string, string> =>
  Object.fromEntries(
    lineage(stages, s)
      .flatMap((st) => st.instructions)
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split('=') as [string, string])),
  );
const composeEnv = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[service]?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''))]));

let work: string;
let node: string;
const dirs = new Map<string, string>();
const running: ChildProcess[] = [];
const logs = new Map<string, string>();

/** Copies like `COPY [--from=stage] <src>... <dest>` into a target directory (hard links: same bytes, fast). */
function copyStep(args: string, into: string) {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const dest = words.pop();
  if (!dest || words.length === 0) throw new Error(`cannot read COPY ${args}`);
  for (const src of words) {
    // The build stage's /app is what the e2e harness built from this checkout (nest build, rspack).
    const base = from === undefined || from === 'build' ? ROOT : dirs.get(from);
    if (!base) throw new Error(`COPY ${args}: stage ${from} is not assembled`);
    const source = join(base, src.replace(/^\/app\//, ''));
    const target = dest.endsWith('/') ? join(into, dest, src.split('/').pop()!) : join(into, dest);
    mkdirSync(dirname(target), { recursive: true });
    const cp = spawnSync('cp', ['-al', source, target], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`COPY ${args}: ${cp.stderr}`);
  }
}

/**
 * A private npm cache (the step ends with `npm cache clean --force`), seeded from the machine's so
 * that `npm ci` needs no network: the content files are immutable and hard-linked, the index copied.
 */
function privateNpmCache(): string {
  const cache = join(work, 'npm-cache');
  const shared = join(spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim(), '_cacache');
  mkdirSync(join(cache, '_cacache'), { recursive: true });
  if (existsSync(join(shared, 'content-v2')) && existsSync(join(shared, 'index-v5'))) {
    spawnSync('cp', ['-al', join(shared, 'content-v2'), join(cache, '_cacache', 'content-v2')]);
    spawnSync('cp', ['-r', join(shared, 'index-v5'), join(cache, '_cacache', 'index-v5')]);
  }
  return cache;
}

/** Runs a stage's RUN steps in its directory, as `sh -c` would in the image. */
function runSteps(s: Stage, dir: string) {
  const cache = privateNpmCache();
  for (const run of s.instructions.filter((i) => i.keyword === 'RUN')) {
    const result = spawnSync('sh', ['-c', run.args], {
      cwd: dir,
      env: { ...process.env, ...envOfStage(s), npm_config_cache: cache, npm_config_prefer_offline: 'true' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (result.status !== 0) throw new Error(`RUN ${run.args} failed (${result.status}): ${result.stderr}`);
  }
}

function assemble(target: string): string {
  const dir = join(work, target);
  mkdirSync(dir, { recursive: true });
  for (const s of lineage(stages, stage(target))) {
    for (const copy of s.instructions.filter((i) => i.keyword === 'COPY')) copyStep(copy.args, dir);
  }
  return dir;
}

function startAs(app: App, service: string, args: string[]): ChildProcess {
  const [uid, gid] = effectiveUser(stages, stage(app)).split(':').map(Number);
  const env = { PATH: `${dirname(node)}:/usr/bin:/bin`, ...envOfStage(stage(app)), ...pointAtTestServices(composeEnv(service)) };
  const child = spawn(node, args, { cwd: dirs.get(app), env, uid, gid: gid ?? uid, stdio: ['ignore', 'pipe', 'pipe'] });
  logs.set(service, '');
  const collect = (chunk: Buffer) => logs.set(service, (logs.get(service) ?? '') + chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
const ready = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1500) }).then(
    (r) => r.ok,
    () => false,
  );

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'auth-images-'));
  chmodSync(work, 0o755);
  // The base image's node, where the non-root user can reach it.
  node = join(work, 'usr', 'local', 'bin', 'node');
  mkdirSync(dirname(node), { recursive: true });
  linkSync(process.execPath, node);
  // prod-deps: its COPY steps, then its RUN steps as written (npm ci --omit=dev ...).
  const prodDeps = join(work, 'prod-deps');
  mkdirSync(prodDeps);
  for (const copy of stage('prod-deps').instructions.filter((i) => i.keyword === 'COPY')) copyStep(copy.args, prodDeps);
  runSteps(stage('prod-deps'), prodDeps);
  dirs.set('prod-deps', prodDeps);
  for (const app of APPS) dirs.set(app, assemble(app));
  // A fresh database with the platform's roles (the passwords of .env.example are provision-db.sh's).
  const provision = spawnSync('bash', ['scripts/provision-db.sh', '--reset'], {
    cwd: ROOT,
    env: { ...process.env, ...stackEnv(), DB_NAME: IMAGE_DB },
    encoding: 'utf8',
  });
  if (provision.status !== 0) throw new Error(`provision-db.sh: ${provision.stderr}`);
}, 300_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(running.map(exited));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the images, assembled as the Dockerfile does and started as compose starts them', () => {
  it('ship only the runtime: no TypeScript, no dev dependencies, the bundles with their source maps', () => {
    for (const app of APPS) {
      const dir = dirs.get(app)!;
      expect(existsSync(join(dir, 'node_modules', 'typescript'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules', 'jest'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules', 'pg'))).toBe(true);
      expect(existsSync(join(dir, 'dist', 'apps', app, 'main.js.map'))).toBe(true);
    }
    expect(envOfStage(stage('identity')).NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('run the migrations as a non-root user with the one-shot services’ environment', async () => {
    for (const app of ['identity', 'profiles'] as const) {
      const service = compose.services[`${app}-migrate`]!;
      const child = startAs(app, `${app}-migrate`, service.command!.slice(1));
      expect(`${app}-migrate exit ${await exited(child)}: ${logs.get(`${app}-migrate`)}`).toMatch(
        /^\S+ exit 0: [\s\S]*[1-9]\d* migration\(s\) applied/,
      );
    }
  }, 120_000);

  it('start identity, profiles and the mailer with the compose environment, and the platform answers', async () => {
    for (const app of APPS) {
      const cmd = compose.services[app]!.command!;
      expect(cmd).toEqual(effectiveCmd(stages, stage(app)));
      running.push(startAs(app, app, cmd.slice(1)));
    }
    for (const port of [PORTS.imageIdentityManagement, PORTS.imageProfilesManagement, PORTS.imageMailerManagement]) {
      await waitFor(
        async () => {
          const dead = running.find((c) => c.exitCode !== null);
          if (dead)
            throw new Error(
              `an app exited (${dead.exitCode}): ${[...logs.entries()].map(([k, v]) => `[${k}] ${v.slice(-2000)}`).join('\n')}`,
            );
          return ready(port);
        },
        90_000,
        `the app on management port ${port}`,
      );
    }
    // Each runs as the image's USER, not as root.
    for (const child of running) {
      const status = spawnSync('ps', ['-o', 'uid=', '-p', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
      expect(status).toBe(effectiveUser(stages, stage('identity')).split(':')[0]);
    }

    // Sign up through identity's API port, then read the profile from profiles' with the token.
    const identity = `http://127.0.0.1:${PORTS.imageIdentity}`;
    const signUp = await fetch(`${identity}/api/auth/users?client_type=mobile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
      body: JSON.stringify({ email: randomEmail('image'), password: 'Image-start passw0rd' }),
    });
    const body = (await signUp.json()) as { accessToken?: string; user?: { id: string } };
    expect(`${signUp.status} ${typeof body.accessToken}`).toBe('200 string');
    const profiles = `http://127.0.0.1:${PORTS.imageProfiles}`;
    let last = 0;
    await waitFor(
      async () => {
        const r = await fetch(`${profiles}/api/auth/profiles/${body.user!.id}`, {
          headers: { authorization: `Bearer ${body.accessToken}` },
        });
        last = r.status;
        return r.status === 200;
      },
      60_000,
      `profiles to serve the new user's profile (last status ${last})`,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${PORTS.imageMailerManagement}/metrics`)).text();
    expect(metrics).toContain('mailer_queue_jobs');
  }, 180_000);
});
