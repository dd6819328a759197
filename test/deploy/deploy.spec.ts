/**
 * Offline checks of the deploy files: Dockerfile and docker-compose.yml (the kustomize tree:
 * kubernetes.spec.ts). Unit tier: no network, no Docker engine, no cluster.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSchemaErrors } from './compose-schema.js';
import { effectiveCmd, effectiveUser, findStage, isRootUser, lineage, parseDockerfile } from './dockerfile-parser.js';
import {
  type App,
  APPS,
  managementPortVariable,
  portVariable,
  readEnvExample,
  requiredEnv,
  isSecretVar,
  UNDOCUMENTED_ALLOWED,
} from './env-contract.js';
import { GATEWAY_ENTRY, gatewayHealthPath, nestApps, parseYamlFile, readRepoFile, repoFileExists, ROOT } from './repo-files.js';

/** The apps that own a Postgres schema and therefore a migration step. The mailer never migrates. */
const MIGRATING_APPS = ['identity', 'profiles'] as const;

const documented = new Set(readEnvExample().map((v) => v.name));
const required = requiredEnv();

/** The file each process starts from, as the build produces it. */
function entryOf(app: string): string {
  if (app === 'gateway') return GATEWAY_ENTRY;
  const project = nestApps().get(app);
  if (!project) throw new Error(`nest-cli.json has no application "${app}"`);
  return project.bundle;
}

/** The source that file comes from: the app's entry point, or the gateway script itself. */
function sourceOf(app: string): string {
  return app === 'gateway' ? GATEWAY_ENTRY : (nestApps().get(app)?.source ?? `apps/${app}/src/main.ts`);
}

/** Variables a process may be given: those it reads, plus its explicit exceptions. */
function readable(app: App): Set<string> {
  return new Set([...required[app], ...(UNDOCUMENTED_ALLOWED[app] ?? [])]);
}

// ---------------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------------

const dockerfileText = readRepoFile('Dockerfile');
const stages = parseDockerfile(dockerfileText);

function stageOf(target: string) {
  const stage = findStage(stages, target);
  if (!stage) throw new Error(`Dockerfile has no stage "FROM ... AS ${target}"`);
  return stage;
}

function runsIn(target: string): string[] {
  return stageOf(target)
    .instructions.filter((i) => i.keyword === 'RUN')
    .map((i) => i.args);
}

describe('Dockerfile', () => {
  it('has one final target per deploy unit, plus the build and prod-deps stages', () => {
    const names = stages.map((s) => s.name);
    for (const target of [...APPS, 'build', 'prod-deps']) expect(names).toContain(target);
  });

  it('starts every stage from node:24-bookworm-slim (directly or through another stage)', () => {
    const args = new Map([...dockerfileText.matchAll(/^ARG\s+(\w+)=(\S+)\s*$/gm)].map((m) => [m[1], m[2]]));
    const bases = stages
      .map((stage) => ({
        stage: stage.name,
        from: stage.from.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args.get(name) ?? `$${name}`),
      }))
      .filter(({ from }) => !findStage(stages, from));
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.filter(({ from }) => from !== 'node:24-bookworm-slim')).toEqual([]);
  });

  it.each(APPS)('runs the %s target as a non-root user with NODE_ENV=production', (app) => {
    const target = stageOf(app);
    expect(isRootUser(effectiveUser(stages, target))).toBe(false);
    const env = lineage(stages, target)
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args);
    expect(env.some((e) => /(^|\s)NODE_ENV=production(\s|$)/.test(e))).toBe(true);
  });

  it.each(APPS)('starts the %s target from the file the build produces', (app) => {
    const target = stageOf(app);
    expect(effectiveCmd(stages, target)).toEqual(['node', entryOf(app)]);
    expect(`${sourceOf(app)} exists: ${repoFileExists(sourceOf(app))}`).toBe(`${sourceOf(app)} exists: true`);
    // ...and the target really contains that file: copied from the build stage.
    const source = app === 'gateway' ? 'gateway' : entryOf(app).replace(/\/[^/]+$/, '');
    const copies = lineage(stages, target)
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && /--from=build\b/.test(i.args));
    expect(copies.some((c) => new RegExp(`/app/${source}/?\\s`).test(`${c.args} `))).toBe(true);
  });

  it('builds every Nest application in the build stage from an exact `npm ci`, without install scripts', () => {
    const runs = runsIn('build').join('\n');
    expect(runs).toMatch(/npm ci --ignore-scripts\b/);
    for (const app of nestApps().keys()) expect(runs).toMatch(new RegExp(`nest build ${app}\\b`));
    const everyRun = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN');
    expect(everyRun.filter((i) => /npm (install|i)\b/.test(i.args))).toEqual([]);
    // Install-time telemetry stays off even if a script ever runs.
    const baseEnv = stageOf('base')
      .instructions.filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(baseEnv).toMatch(/SCARF_ANALYTICS=false/);
  });

  it("has a lockfile `npm ci` accepts (every platform's optional packages recorded)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-ci-'));
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(dir, file));
    const result = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(
      `${result.status} ${result.stderr
        .split('\n')
        .filter((l) => /EUSAGE|Missing|Invalid/.test(l))
        .slice(0, 5)
        .join('\n')}`,
    ).toBe('0 ');
  });

  it('runs with source maps, without npm or TypeScript in the runtime image', () => {
    const runtime = stageOf('runtime');
    const env = runtime.instructions
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/NODE_OPTIONS=--enable-source-maps/);
    const runs = runtime.instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    for (const path of ['/usr/local/lib/node_modules/npm', '/usr/local/bin/npm', '/usr/local/bin/npx']) expect(runs).toContain(path);
    expect(runsIn('prod-deps').join(' ')).toMatch(/rm -rf node_modules\/typescript\b/);
  });

  it('installs the runtime node_modules with --omit=dev and copies them from prod-deps only', () => {
    expect(runsIn('prod-deps').some((r) => /npm ci --omit=dev --ignore-scripts\b/.test(r))).toBe(true);
    for (const app of APPS) {
      const copies = lineage(stages, stageOf(app))
        .flatMap((s) => s.instructions)
        .filter((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) expect(`${app}: ${copy.args}`).toMatch(/--from=prod-deps\b/);
    }
  });

  it('keeps host builds, dependencies and secrets out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['**/node_modules', 'dist', '.env', '.git']) expect(ignored).toContain(entry);
  });
});

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------------

type ComposeService = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  user?: string;
  ports?: (string | number | { host_ip?: string; published?: string | number; target?: number })[];
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  restart?: string;
};
type ComposeFile = { services: Record<string, ComposeService> };

const compose = parseYamlFile<ComposeFile>('docker-compose.yml');
const services = Object.entries(compose?.services ?? {});

/** Third-party images and the variables their entrypoints read (not our contract). */
const THIRD_PARTY_ENV: Record<string, readonly string[]> = {
  postgres: [
    'POSTGRES_USER',
    'POSTGRES_PASSWORD',
    'POSTGRES_DB',
    // postgres-provision: psql's password and the role passwords it sets (documented in .env.example)
    'PGPASSWORD',
    'IDENTITY_DB_PASSWORD',
    'IDENTITY_MIGRATOR_DB_PASSWORD',
    'PROFILES_DB_PASSWORD',
    'PROFILES_MIGRATOR_DB_PASSWORD',
  ],
  redis: ['REDISCLI_AUTH'],
  'axllent/mailpit': ['MP_MAX_MESSAGES', 'MP_SMTP_AUTH_ACCEPT_ANY', 'MP_SMTP_AUTH_ALLOW_INSECURE'],
};

function targetOf(service: ComposeService): string | undefined {
  return typeof service.build === 'object' ? service.build.target : undefined;
}

/** The process a built service runs: its Dockerfile target. */
function appOfService(service: ComposeService): App {
  const target = targetOf(service);
  if (!target || !(APPS as readonly string[]).includes(target)) throw new Error(`build target ${target} is no app`);
  return target as App;
}

function envOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const [name, ...rest] = entry.split('=');
      env.set(name, rest.join('='));
    }
  } else {
    for (const [name, value] of Object.entries(service.environment ?? {})) env.set(name, value == null ? '' : String(value));
  }
  return env;
}

function commandOf(service: ComposeService): string[] {
  if (Array.isArray(service.command)) return service.command.map(String);
  if (typeof service.command === 'string') return service.command.split(/\s+/);
  const cmd = effectiveCmd(stages, stageOf(appOfService(service)));
  if (!cmd) throw new Error('no command and no CMD');
  return cmd;
}

function dependsOn(service: ComposeService): [string, string | undefined][] {
  if (Array.isArray(service.depends_on)) return service.depends_on.map((name) => [name, undefined]);
  return Object.entries(service.depends_on ?? {}).map(([name, dep]) => [name, dep?.condition]);
}

function healthTest(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

const built = services.filter(([, s]) => s.build !== undefined);
/** Services others wait on to *complete*: the one-shot migration runners. */
const oneShots = new Set(
  services.flatMap(([, s]) =>
    dependsOn(s)
      .filter(([, condition]) => condition === 'service_completed_successfully')
      .map(([name]) => name),
  ),
);
const longRunning = services.filter(([name]) => !oneShots.has(name));

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(services.length).toBeGreaterThan(0);
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it('has the infrastructure, the migration runners and every deploy unit', () => {
    const names = services.map(([name]) => name);
    for (const name of ['postgres', 'postgres-provision', 'redis', 'mailpit', ...APPS, ...MIGRATING_APPS.map((a) => `${a}-migrate`)]) {
      expect(names).toContain(name);
    }
  });

  it('builds only targets the Dockerfile defines, from the repository root', () => {
    expect(built.length).toBeGreaterThan(0);
    for (const [name, service] of built) {
      expect(typeof service.build).toBe('object');
      const build = service.build as { context?: string; dockerfile?: string; target?: string };
      expect(`${name}: ${build.context}`).toMatch(/: \.\/?$/);
      expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(stages.map((s) => s.name)).toContain(build.target);
    }
  });

  it('runs every built service on a file the build produces', () => {
    for (const [name, service] of built) {
      const [bin, entry] = commandOf(service);
      expect(`${name}: ${bin} ${entry}`).toBe(`${name}: node ${entryOf(appOfService(service))}`);
    }
  });

  it('sets only variables documented in .env.example (or an explicit, per-app exception)', () => {
    for (const [name, service] of services) {
      const allowed = service.build
        ? (v: string) => documented.has(v) || (UNDOCUMENTED_ALLOWED[appOfService(service)] ?? []).includes(v)
        : (v: string) => (THIRD_PARTY_ENV[(service.image ?? '').split(':')[0]] ?? []).includes(v);
      const undocumented = [...envOf(service).keys()].filter((v) => !allowed(v));
      expect(`${name}: ${undocumented.join(', ')}`).toBe(`${name}: `);
    }
  });

  it('gives every process each variable its .env.example section says it reads, and no other', () => {
    for (const [name, service] of built) {
      const env = envOf(service);
      const missing = [...required[appOfService(service)]].filter((v) => !env.has(v));
      expect(`${name} misses: ${missing.join(', ')}`).toBe(`${name} misses: `);
      // ...and nothing it does not read (least privilege: no other app's secrets).
      const extra = [...env.keys()].filter((v) => !readable(appOfService(service)).has(v));
      expect(`${name} needlessly gets: ${extra.join(', ')}`).toBe(`${name} needlessly gets: `);
    }
  });

  it('points hosts and URLs at compose services and their ports', () => {
    const byName = new Map(services);
    const portOf = (app: App) => envOf(byName.get(app) ?? {}).get(portVariable(app));
    for (const [name, service] of built) {
      const env = envOf(service);
      const unknownHosts = ['DB_HOST', 'REDIS_HOST', 'SMTP_HOST']
        .map((host) => [host, env.get(host)])
        .filter(([, value]) => value && !byName.has(value))
        .map(([host, value]) => `${host}=${value}`);
      expect(`${name}: ${unknownHosts.join(', ')}`).toBe(`${name}: `);
      const urls: [string, App, string][] = [
        ['JWKS_URL', 'identity', '/.well-known/jwks.json'],
        ['IDENTITY_URL', 'identity', '/'],
        ['PROFILES_URL', 'profiles', '/'],
      ];
      for (const [variable, app, path] of urls) {
        const value = env.get(variable);
        if (!value) continue;
        const url = new URL(value);
        expect(`${name} ${variable}: ${url.hostname}:${url.port}${url.pathname}`).toBe(`${name} ${variable}: ${app}:${portOf(app)}${path}`);
      }
    }
  });

  it('connects each app as its own role and migrates as the schema owner, never as the superuser', () => {
    const pg = envOf(compose.services.postgres ?? {});
    const provision = envOf(compose.services['postgres-provision'] ?? {});
    // The provisioning one-shot creates the roles with the very passwords the apps are given.
    expect(provision.get('PGPASSWORD')).toBe(pg.get('POSTGRES_PASSWORD'));
    expect(readRepoFile('docker-compose.yml')).toContain('./scripts/provision-db.sql:/provision/provision-db.sql:ro');
    for (const app of MIGRATING_APPS) {
      const upper = app.toUpperCase();
      const cases: [string, string, string][] = [
        [app, `${app}_app`, `${upper}_DB_PASSWORD`],
        [`${app}-migrate`, `${app}_migrator`, `${upper}_MIGRATOR_DB_PASSWORD`],
      ];
      for (const [name, role, passwordVar] of cases) {
        const env = envOf(compose.services[name] ?? {});
        expect(`${name}: ${env.get('DB_USER')} ${env.get('DB_NAME')}`).toBe(`${name}: ${role} ${pg.get('POSTGRES_DB')}`);
        expect(env.get('DB_USER')).not.toBe(pg.get('POSTGRES_USER'));
        expect(env.get('DB_PASSWORD')).toBe(provision.get(passwordVar));
      }
    }
  });

  it('reads .env.example in bash (as `npm run up` sources .env) with the values this suite checks', () => {
    const script = 'set -a; source .env.example; set +a; node -e "process.stdout.write(JSON.stringify(process.env))"';
    const run = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(run.stderr).toBe('');
    const sourced = JSON.parse(run.stdout) as Record<string, string>;
    const differing = readEnvExample().filter((v) => sourced[v.name] !== v.value);
    expect(differing.map((v) => `${v.name}: bash ${JSON.stringify(sourced[v.name])}, file ${JSON.stringify(v.value)}`)).toEqual([]);
  });

  it('takes every secret and NODE_ENV from .env, with no inline default', () => {
    const text = readRepoFile('docker-compose.yml');
    const references = [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:?[-?])?[^}]*\}/g)].map((m) => ({ name: m[1], operator: m[2] ?? '' }));
    const secretish = references.filter((r) => isSecretVar(r.name) || r.name === 'NODE_ENV');
    expect(secretish.length).toBeGreaterThan(5);
    // `:-`/`-` would be an inline default; `:?`/`?` makes compose refuse to start without it.
    expect(secretish.filter((r) => !r.operator.endsWith('?')).map((r) => `${r.name} ${r.operator || '(no operator)'}`)).toEqual([]);
    // ...and `cp .env.example .env` provides every one of them (non-empty where `:?` demands it).
    const example = new Map(readEnvExample().map((v) => [v.name, v.value]));
    const unmet = references.filter((r) => !example.has(r.name) || (r.operator === ':?' && example.get(r.name) === ''));
    expect(unmet.map((r) => r.name)).toEqual([]);
  });

  it('health-checks every long-running service; apps on /health/ready at their management port', () => {
    for (const [name, service] of longRunning) {
      expect(`${name}: ${service.healthcheck?.disable === true || healthTest(service) === ''}`).toBe(`${name}: false`);
      if (!service.build) continue;
      const app = appOfService(service);
      const port = envOf(service).get(app === 'gateway' ? portVariable(app) : managementPortVariable(app));
      const path = app === 'gateway' ? gatewayHealthPath() : '/health/ready';
      expect(path).toBeDefined();
      expect(healthTest(service)).toContain(`127.0.0.1:${port}${path}`);
    }
  });

  it('waits on dependencies by condition: healthy services, completed one-shots', () => {
    const byName = new Map(services);
    for (const [name, service] of services) {
      for (const [dep, condition] of dependsOn(service)) {
        const target = byName.get(dep);
        expect(`${name} -> ${dep}: ${target !== undefined}`).toBe(`${name} -> ${dep}: true`);
        const expected = oneShots.has(dep) ? 'service_completed_successfully' : 'service_healthy';
        expect(`${name} -> ${dep}: ${condition}`).toBe(`${name} -> ${dep}: ${expected}`);
        // Waiting for "healthy" needs a healthcheck; a one-shot needs none.
        expect(`${dep} health-checked: ${healthTest(target ?? {}) !== ''}`).toBe(`${dep} health-checked: ${!oneShots.has(dep)}`);
      }
    }
  });

  it('runs each app migration as a one-shot before the app starts; the mailer never migrates', () => {
    for (const app of MIGRATING_APPS) {
      const runner = compose.services[`${app}-migrate`];
      expect(runner).toBeDefined();
      expect(targetOf(runner)).toBe(app);
      expect(commandOf(runner)).toEqual(['node', entryOf(app), 'migrate']);
      expect(runner.restart ?? 'no').toBe('no');
      expect(dependsOn(runner)).toContainEqual(['postgres-provision', 'service_completed_successfully']);
      expect(dependsOn(compose.services[app])).toContainEqual([`${app}-migrate`, 'service_completed_successfully']);
    }
    const migrating = built.filter(([, s]) => commandOf(s).includes('migrate')).map(([, s]) => appOfService(s));
    expect(migrating.sort()).toEqual([...MIGRATING_APPS].sort());
  });

  it('runs nothing as root, with no capabilities, no privilege gain and a read-only root', () => {
    for (const [name, service] of services) {
      const user = service.user ?? (service.build ? effectiveUser(stages, stageOf(appOfService(service))) : 'root');
      expect(`${name} user ${user}: ${isRootUser(user)}`).toBe(`${name} user ${user}: false`);
      expect(`${name}: ${service.cap_drop?.includes('ALL')}`).toBe(`${name}: true`);
      expect(`${name}: ${service.security_opt?.includes('no-new-privileges:true')}`).toBe(`${name}: true`);
      expect(`${name}: ${service.read_only}`).toBe(`${name}: true`);
    }
  });

  it('publishes ports on 127.0.0.1 only, the gateway on its GATEWAY_PORT', () => {
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        const hostIp = typeof port === 'object' ? port.host_ip : String(port).split(':')[0];
        const parts = typeof port === 'object' ? [] : String(port).split(':');
        expect(`${name} ${JSON.stringify(port)}: ${hostIp} ${parts.length}`).toBe(
          `${name} ${JSON.stringify(port)}: 127.0.0.1 ${typeof port === 'object' ? 0 : 3}`,
        );
      }
    }
    const gateway = compose.services.gateway;
    expect(gateway.ports).toContain(`127.0.0.1:8080:${envOf(gateway).get('GATEWAY_PORT')}`);
  });
});

// Kubernetes: see kubernetes.spec.ts.
