// The bench runner (started by scripts/bench.sh, which prepares services, build and database):
// measures the machine's limits, starts the platform on bench-only ports, loads each endpoint
// through the gateway and directly, prints a table and writes bench/results/latest.{json,md}.
// Every load is bounded in time or count; everything started here is stopped on exit or Ctrl-C.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cpuBreakdown, cpuMeter, cpuPressure } from './lib/cpu.mjs';
import { call, pacedProcess, percentiles, pool, saturate } from './lib/load.mjs';
import { argon2Env, BENCH_ANON_KEY, benchPorts, platformEnv, readyUrl, startPlatform, stopAllOnExit, urlsOf } from './lib/platform.mjs';
import { markdownReport, printReport } from './lib/report.mjs';
import { Stack } from './lib/stack.mjs';
import { pacedWrk, refreshChainsWrk, saturateWrk, wrkAvailable } from './lib/wrk.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, '.data', 'bench');
const RESULTS = join(ROOT, 'bench', 'results');
const env = process.env;
const int = (name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number(env[name]));

// ---- configuration -------------------------------------------------------------------------------
const PORTS = benchPorts();
const URLS = urlsOf(PORTS);
const DURATION = int('BENCH_DURATION', 8); // seconds per saturating run
const WARMUP = int('BENCH_WARMUP', 1); // seconds of discarded load before each run
const HALF_DURATION = int('BENCH_HALF_DURATION', 5);
const CONNECTIONS = int('BENCH_CONNECTIONS', 50);
const PASSWORD_CONNECTIONS = int('BENCH_PASSWORD_CONNECTIONS', 16); // argon2-bound endpoints
const USERS = int('BENCH_USERS', 50);
const MAIL_MESSAGES = int('BENCH_MAIL_MESSAGES', 600); // the backlog drained per run
const MAIL_LATENCY_MESSAGES = int('BENCH_MAIL_LATENCY_MESSAGES', 200);
const MAIL_RATE = int('BENCH_MAIL_RATE', 50); // send-otp requests per second in the latency run
const DIRECTORY_USERS = int('BENCH_DIRECTORY_USERS', 100_000); // users seeded for the admin search
/** BENCH_ONLY=machine,insforge,gorb,admin,mail (comma-separated) runs a subset, for working on the bench. */
const ONLY = new Set((env.BENCH_ONLY || 'machine,insforge,gorb,admin,mail').split(',').map((x) => x.trim()));
const ARGON2 = argon2Env();
const CORES = cpus().length;
/**
 * The fast endpoints (and the hello ceiling) are loaded with wrk when it is installed: autocannon
 * burns most of a core at these rates, which on a small machine is taken from the servers.
 * BENCH_GENERATOR=autocannon keeps the Node generator everywhere.
 */
const FAST_GENERATOR = env.BENCH_GENERATOR === 'autocannon' || !wrkAvailable() ? 'autocannon' : 'wrk';
const saturateFast = (opts) => (FAST_GENERATOR === 'wrk' ? saturateWrk(opts) : saturate(opts));
/** Open-loop load at a fixed rate: wrk with a schedule, or the Node client in a process of its own. */
const pacedFast = (opts) => (FAST_GENERATOR === 'wrk' ? pacedWrk(opts) : pacedProcess(opts));
const SERVER_CPUS = env.BENCH_SERVER_CPUS || undefined; // set by bench.sh when pinning
const LOADGEN_CPU = env.BENCH_LOADGEN_CPU || undefined;
const DB_NAME = env.DB_NAME ?? '';
if (!/_bench$/.test(DB_NAME)) {
  console.error(`bench: refusing to run against database "${DB_NAME}": its name must end in _bench (run it via npm run bench)`);
  process.exit(64);
}

const ANON_KEY = BENCH_ANON_KEY;
const PASSWORD = 'Bench-Passw0rd!';
const ADMIN = { username: 'bench-admin', password: 'bench-only-admin-password-0000' };
const stackEnv = platformEnv({ ports: PORTS, dbName: DB_NAME, dataDir: DATA, admin: ADMIN, mailFrom: 'Auth Bench <no-reply@bench.test>' });

// ---- bookkeeping ---------------------------------------------------------------------------------
const t0 = Date.now();
const log = (msg) => console.log(`[bench +${((Date.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}`);
const NOT_AVAILABLE = 'not available yet';
const res = {
  date: new Date().toISOString(),
  node: process.versions.node,
  cpu: { model: cpus()[0]?.model?.trim() ?? 'unknown', cores: CORES },
  git: gitInfo(),
  loadavg: { before: loadavg().map((v) => +v.toFixed(2)) },
  method: {},
  config: {
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    halfRateSeconds: HALF_DURATION,
    connections: CONNECTIONS,
    passwordConnections: PASSWORD_CONNECTIONS,
    users: USERS,
    mailBacklog: MAIL_MESSAGES,
    mailLatencyMessages: MAIL_LATENCY_MESSAGES,
    mailRate: MAIL_RATE,
    directoryUsers: DIRECTORY_USERS,
    argon2: ARGON2,
    ports: PORTS,
    database: DB_NAME,
    rateLimitMultiplier: Number(stackEnv.RATE_LIMIT_MULTIPLIER),
  },
  machine: {},
  endpoints: {},
  mail: undefined,
  ratios: [],
  skipped: [],
  warnings: [],
  errors: [],
};

/** Share of all cores busy over `ms` (from /proc/stat): other work on the machine skews every figure. */
async function cpuBusy(ms = 1000) {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return a && b && b.total > a.total ? +(1 - (b.idle - a.idle) / (b.total - a.total)).toFixed(3) : null;
}

function gitInfo() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** Runs one measurement; a failure is recorded (and makes the exit status 1) but the run goes on. */
async function phase(name, fn) {
  assertPlatformUp();
  log(name);
  try {
    return await fn();
  } catch (err) {
    assertPlatformUp(); // a process of the platform died: the rest of the run would measure nothing
    const msg = err instanceof Error ? err.message : String(err);
    res.errors.push(`${name}: ${msg}`);
    log(`  FAILED: ${msg}`);
    return { error: msg };
  }
}

function skip(key, what) {
  const line = `${what}: ${NOT_AVAILABLE}`;
  res.skipped.push(line);
  log(`  ${line}`);
  res.endpoints[key] = { skipped: NOT_AVAILABLE };
}

/** A route the apps do not have yet answers 404 "Endpoint <url> not found" (gateway or app). */
const missing = (r) => r.status === 404 && typeof r.json?.message === 'string' && r.json.message.startsWith('Endpoint ');

let ipCounter = 0;
/** A different client address per request (the gateway forwards it; identity trusts loopback). */
const nextIp = () => {
  const n = ipCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

function summary(r) {
  if (!r || r.error) return 'failed';
  const f = (v) => (v === null || v === undefined ? '–' : v.toFixed(2));
  const extra = r.non2xx || r.errors ? ` (not 2xx: ${r.non2xx ?? 0}, errors: ${r.errors ?? 0})` : '';
  return `${(r.rps ?? r.achievedRate).toFixed(1)} req/s, p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms${extra}`;
}

/**
 * Waits (at most SETTLE_MAX_MS) until the platform is idle: work a run leaves behind (profile events
 * of a thousand PATCHes a second, outbox relays, mail) would otherwise be counted against the next.
 * Idle = the apps, PostgreSQL and Redis together below a tenth of a core over half a second.
 */
const SETTLE_MAX_MS = 30_000;
async function settle(name) {
  const started = Date.now();
  for (;;) {
    const end = cpuWhere();
    await sleep(500);
    const cores = Object.entries(end()?.cores ?? {})
      .filter(([role]) => role !== 'loadgen')
      .reduce((a, [, c]) => a + c, 0);
    if (cores < 0.1) break;
    if (Date.now() - started > SETTLE_MAX_MS) {
      res.warnings.push(`${name}: the platform was still busy (${cores.toFixed(2)} cores) after ${SETTLE_MAX_MS / 1000} s; measured anyway`);
      break;
    }
  }
  const waited = Date.now() - started;
  if (waited > 1500) log(`  waited ${(waited / 1000).toFixed(1)} s for the platform to finish the previous run's work`);
}

/** One measurement through the gateway, then the same directly against the app's own port. */
async function both(name, build) {
  const out = {};
  for (const via of ['gateway', 'direct']) {
    out[via] = await phase(`${name} via ${via}`, async () => {
      await settle(`${name} via ${via}`);
      const end = cpuWhere();
      const pressure = cpuPressure();
      const r = { ...(await build(via)) };
      r.cpuPressure = pressure();
      const cpu = end();
      r.otherCpu = cpu?.other ?? null;
      r.cpuCores = cpu?.cores ?? null;
      r.identityPoolCores = cpu?.identityPool ?? null;
      if (!r.ok && !r.achievedRate)
        throw new Error(
          `no 2xx answers (status codes ${JSON.stringify(r.statusCodes ?? r)})${r.errorSamples ? `, e.g. ${r.errorSamples[0]}` : ''}`,
        );
      return r;
    });
    log(`  ${via}: ${summary(out[via])}`);
  }
  return out;
}

// ---- processes -----------------------------------------------------------------------------------
const stack = new Stack({ root: ROOT, dataDir: DATA, env: stackEnv, serverCpus: SERVER_CPUS });
const redisPid = () => {
  try {
    return [Number(readFileSync(join(DATA, 'redis', 'redis.pid'), 'utf8').trim())];
  } catch {
    return [];
  }
};
/** Starts a window over which other work's share of the CPU is measured; call the result to end it. */
const otherCpu = cpuMeter(() => [process.pid, ...stack.pids(), ...redisPid()], DB_NAME);
/** This runner's process group: itself and the wrk it starts (the load generator). */
const runnerGroup = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[2]) || process.pid;
/**
 * Where the CPU went during a run, per process role (in cores): each app, nginx (the gateway's
 * process group: its master and workers), PostgreSQL's backends, Redis, the load generator.
 */
const cpuWhere = cpuBreakdown(
  () => {
    const g = stack.groups();
    // mailers and the sink are idle during endpoint runs; they stay in "platform (other)"
    return { loadgen: [runnerGroup], ...g };
  },
  () => ({ redis: redisPid() }),
  DB_NAME,
);
stack.onUnexpectedExit = (name, code, signal) =>
  log(`  ${name} EXITED on its own (${signal ?? `code ${code}`}); see .data/bench/logs/${name}.log`);
function assertPlatformUp() {
  if (!stack.unexpected.length) return;
  const what = stack.unexpected.map((u) => `${u.name} (${u.signal ?? `exit code ${u.code}`})`).join(', ');
  throw new Error(
    `${what} exited during the run${stack.unexpected.some((u) => u.signal) ? ' (killed by a signal: did another process on this machine kill it by name?)' : ''}; see .data/bench/logs/`,
  );
}
const shutdown = stopAllOnExit(stack, log);

// ---- 1. machine limits ---------------------------------------------------------------------------
/** One raw argon2id measurement with `inFlight` verifications at once on as many pool threads. */
function argon2RateWith(inFlight) {
  const cmd = SERVER_CPUS ? 'taskset' : process.execPath;
  const args = [...(SERVER_CPUS ? ['-c', SERVER_CPUS, process.execPath] : []), 'bench/lib/argon2-rate.mjs'];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, ...ARGON2, IN_FLIGHT: String(inFlight), UV_THREADPOOL_SIZE: String(inFlight), SECONDS: '5' },
      },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()))),
    );
  });
}

/**
 * The machine's argon2id ceiling: the better of one hash per core and libuv's default of 4 (or two
 * per core). On 2 cores, 4 memory-hard hashes time-share the cores and cost about a fifth more CPU
 * each than 2 do, so the per-core layout (what identity is configured with, UV_THREADPOOL_SIZE) is
 * usually the ceiling; both are kept in the results.
 */
async function argon2Rate() {
  const layouts = [...new Set([Math.max(2, CORES), Math.max(4, 2 * CORES)])];
  const all = [];
  for (const inFlight of layouts) all.push(await argon2RateWith(inFlight));
  const best = all.reduce((a, b) => (b.rate > a.rate ? b : a));
  return { ...best, layouts: all.map((r) => ({ inFlight: r.inFlight, rate: r.rate, otherCpu: r.otherCpu })) };
}

async function helloRate() {
  await stack.start('hello', ['bench/lib/hello-server.mjs'], {
    env: { HELLO_PORT: String(PORTS.hello) },
    ready: `http://127.0.0.1:${PORTS.hello}/`,
  });
  try {
    const end = otherCpu();
    const r = await saturateFast({ url: `http://127.0.0.1:${PORTS.hello}/`, connections: 50, duration: 8, warmup: 2 });
    return { ...r, otherCpu: end() };
  } finally {
    await stack.stop('hello');
  }
}

/**
 * Measured at the start and again at the end of the run (platform stopped): these are ceilings, so
 * the better of the two counts (other work on a shared machine only ever lowers them).
 */
async function machineLimits(when) {
  const a = await phase(`machine (${when}): raw argon2id verify rate, all cores, 5 s per pool size`, argon2Rate);
  if (!a.error)
    log(
      `  ${a.layouts.map((l) => `${l.rate.toFixed(1)} verify/s with ${l.inFlight} in flight`).join(', ')}, other work ${(a.otherCpu * 100).toFixed(0)}% of the CPU`,
    );
  const h = await phase(`machine (${when}): bare node:http hello world, 50 connections, 8 s`, helloRate);
  log(`  ${summary(h)}, other work ${h.error ? '?' : (h.otherCpu * 100).toFixed(0)}% of the CPU`);
  const best = (runs, key) => runs.filter((r) => !r.error).sort((x, y) => y[key] - x[key])[0] ?? runs[0];
  for (const [k, r, key] of [
    ['argon2', a, 'rate'],
    ['hello', h, 'rps'],
  ]) {
    const runs = [...(res.machine[`${k}Runs`] ?? []), { when, ...r }];
    res.machine[`${k}Runs`] = runs;
    res.machine[k] = best(runs, key);
  }
}

// ---- 2. endpoints --------------------------------------------------------------------------------
const base = (via, app = 'identity') => (via === 'gateway' ? URLS.gateway : URLS[app]);
const json = { 'content-type': 'application/json' };

/** Sessions harvested from the sign-in runs (fresh, never used), for refresh and authenticated GETs. */
const harvested = [];
const HARVEST_MAX = 2000;

function passwordLogin(via, path, bodyFor, users) {
  let k = 0;
  return saturate({
    url: base(via),
    connections: PASSWORD_CONNECTIONS,
    duration: DURATION,
    warmup: WARMUP,
    requests: [
      {
        method: 'POST',
        path,
        headers: json,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify(bodyFor(users[k++ % users.length])),
          headers: { ...req.headers, 'x-forwarded-for': nextIp() },
        }),
        onResponse: (status, body) => {
          if (status !== 200 || harvested.length >= HARVEST_MAX || !path.startsWith('/api/auth/sessions')) return;
          try {
            const j = JSON.parse(body);
            if (j.refreshToken && j.accessToken)
              harvested.push({ accessToken: j.accessToken, refreshToken: j.refreshToken, userId: j.user?.id });
          } catch {
            /* counted as 2xx anyway; the refresh run reports what is missing */
          }
        },
      },
    ],
  });
}

/**
 * Refresh chains: each request takes a token from the pool and the rotated token from its answer
 * goes back into the pool, so every token is used exactly once (no replays, which would revoke).
 * The pool starts with three tokens per connection: tokens in flight when the warm-up stops are lost.
 */
function refreshRun(via, tokens) {
  const tokenPool = tokens;
  let exhausted = 0;
  const samples = [];
  const run = saturate({
    url: base(via),
    connections: CONNECTIONS,
    duration: DURATION,
    warmup: WARMUP,
    requests: [
      {
        method: 'POST',
        path: '/api/auth/refresh?client_type=mobile',
        headers: json,
        setupRequest: (req) => {
          const token = tokenPool.shift();
          if (!token) exhausted++;
          return {
            ...req,
            body: JSON.stringify({ refreshToken: token ?? 'pool-exhausted' }),
            headers: { ...req.headers, 'x-forwarded-for': nextIp() },
          };
        },
        onResponse: (status, body) => {
          if (status !== 200) {
            if (samples.length < 3) samples.push(`${status} ${String(body).slice(0, 200)}`);
            return;
          }
          try {
            const next = JSON.parse(body).refreshToken;
            if (next) tokenPool.push(next);
          } catch {
            /* chain lost */
          }
        },
      },
    ],
  });
  return run.then((r) => ({
    ...r,
    poolExhausted: exhausted,
    poolLeft: tokenPool.length,
    ...(samples.length ? { errorSamples: samples } : {}),
  }));
}

/** Prebuilt requests cycling through several users' tokens (no per-request work in the client). */
const bearerRequests = (method, path, sessions, body) =>
  sessions.map((s) => ({ method, path, headers: { authorization: `Bearer ${s.accessToken}`, ...(body ? json : {}) }, body }));

async function signInMore(n, users) {
  const out = await pool(n, 4, async (i) => {
    const u = users[i % users.length];
    const r = await call(URLS.identity, 'POST', '/api/auth/sessions?client_type=mobile', {
      body: { email: u.email, password: PASSWORD },
      headers: { 'x-forwarded-for': nextIp() },
      expect: 200,
    });
    return { accessToken: r.json.accessToken, refreshToken: r.json.refreshToken, userId: r.json.user?.id };
  });
  harvested.push(...out);
}

async function insforgeEndpoints() {
  // Users (not measured): sign-up with the anon key.
  const probe = await call(URLS.gateway, 'POST', '/api/auth/users?client_type=mobile', {
    body: { email: 'bench-probe@bench.test', password: PASSWORD, name: 'Probe' },
    headers: { authorization: `Bearer ${ANON_KEY}`, 'x-forwarded-for': nextIp() },
  });
  if (missing(probe)) {
    for (const [k, what] of [
      ['signIn', 'password sign-in (sign-up POST /api/auth/users is missing)'],
      ['refresh', 'refresh'],
      ['current', 'GET /api/auth/sessions/current'],
      ['currentHalf', 'GET /api/auth/sessions/current at half rate'],
      ['profileGet', 'GET /api/auth/profiles/:userId (needs users)'],
      ['profilePatch', 'PATCH /api/auth/profiles/current (needs users)'],
    ])
      skip(k, what);
    return;
  }
  if (probe.status >= 300) throw new Error(`sign-up POST /api/auth/users -> ${probe.status} ${probe.text.slice(0, 200)}`);
  const users = await phase(`create ${USERS} users (POST /api/auth/users)`, () =>
    pool(USERS, 4, async (i) => {
      const email = `bench-user-${i}@bench.test`;
      const r = await call(URLS.gateway, 'POST', '/api/auth/users?client_type=mobile', {
        body: { email, password: PASSWORD, name: `Bench User ${i}` },
        headers: { authorization: `Bearer ${ANON_KEY}`, 'x-forwarded-for': nextIp() },
        expect: [200, 201],
      });
      return { email, id: r.json?.user?.id };
    }),
  );
  if (users.error) return;

  // Password sign-in.
  const signInProbe = await call(URLS.gateway, 'POST', '/api/auth/sessions?client_type=mobile', {
    body: { email: users[0].email, password: PASSWORD },
  });
  if (missing(signInProbe)) {
    for (const [k, what] of [
      ['signIn', 'password sign-in POST /api/auth/sessions'],
      ['refresh', 'refresh (needs sign-in)'],
      ['current', 'GET /api/auth/sessions/current (needs sign-in)'],
      ['currentHalf', 'GET /api/auth/sessions/current at half rate (needs sign-in)'],
      ['profilePatch', 'PATCH /api/auth/profiles/current (needs sign-in)'],
    ])
      skip(k, what);
  } else {
    if (signInProbe.status !== 200) throw new Error(`sign-in -> ${signInProbe.status} ${signInProbe.text.slice(0, 200)}`);
    res.endpoints.signIn = await both('password sign-in', (via) =>
      passwordLogin(via, '/api/auth/sessions?client_type=mobile', (u) => ({ email: u.email, password: PASSWORD }), users),
    );
    log(`  harvested ${harvested.length} fresh sessions from the sign-in runs`);
    // refresh: 3 tokens per connection for each of its runs (with wrk, the warm-up takes its own)
    const need = (FAST_GENERATOR === 'wrk' ? 12 : 6) * CONNECTIONS + 20 + USERS;
    if (harvested.length < need)
      await phase(`sign in ${need - harvested.length} more sessions for the next runs`, () => signInMore(need - harvested.length, users));
    const sessions = harvested.splice(0, 20);

    // Refresh (chained per token).
    const refreshProbe = await call(URLS.gateway, 'POST', '/api/auth/refresh?client_type=mobile', {
      body: { refreshToken: 'x' },
      headers: json,
    });
    if (missing(refreshProbe)) skip('refresh', 'refresh POST /api/auth/refresh');
    else {
      const tokens = () => harvested.splice(0, 3 * CONNECTIONS).map((h) => h.refreshToken);
      res.endpoints.refresh = await both('refresh (rotating chains)', (via) =>
        FAST_GENERATOR === 'wrk'
          ? refreshChainsWrk({
              url: base(via),
              path: '/api/auth/refresh?client_type=mobile',
              connections: CONNECTIONS,
              duration: DURATION,
              warmup: WARMUP,
              warmupTokens: WARMUP > 0 ? tokens() : [],
              tokens: tokens(),
            })
          : refreshRun(via, tokens()),
      );
    }

    // Current session.
    const currentProbe = await call(URLS.gateway, 'GET', '/api/auth/sessions/current', {
      headers: { authorization: `Bearer ${sessions[0].accessToken}` },
    });
    if (missing(currentProbe)) {
      skip('current', 'GET /api/auth/sessions/current');
      skip('currentHalf', 'GET /api/auth/sessions/current at half rate');
    } else {
      if (currentProbe.status !== 200) throw new Error(`sessions/current -> ${currentProbe.status} ${currentProbe.text.slice(0, 200)}`);
      const requests = bearerRequests('GET', '/api/auth/sessions/current', sessions);
      res.endpoints.current = await both('GET /api/auth/sessions/current', (via) =>
        saturateFast({ url: base(via), connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, requests }),
      );
      res.endpoints.currentHalf = await both('GET /api/auth/sessions/current at half its saturation rate', (via) => {
        const sat = res.endpoints.current[via];
        if (!sat?.rps) throw new Error('no saturation rate to halve');
        return pacedFast({
          url: `${base(via)}/api/auth/sessions/current`,
          headers: { authorization: `Bearer ${sessions[0].accessToken}` },
          requests,
          rate: Math.round(sat.rps / 2),
          duration: HALF_DURATION,
          warmup: WARMUP,
        });
      });
    }
  }

  // Profiles.
  const withIds = users.filter((u) => u.id);
  const someId = withIds[0]?.id ?? '00000000-0000-4000-8000-000000000000';
  const profileProbe = await call(URLS.gateway, 'GET', `/api/auth/profiles/${someId}`);
  if (missing(profileProbe)) skip('profileGet', 'GET /api/auth/profiles/:userId');
  else {
    // Profiles are created from identity's user.registered event: wait until they are there.
    const deadline = Date.now() + 15_000;
    let missingProfiles = withIds.length;
    while (Date.now() < deadline) {
      const got = await Promise.all(withIds.slice(0, 10).map((u) => call(URLS.gateway, 'GET', `/api/auth/profiles/${u.id}`)));
      missingProfiles = got.filter((g) => g.status !== 200).length;
      if (!missingProfiles) break;
      await sleep(250);
    }
    if (missingProfiles) throw new Error(`profiles of new users did not appear within 15 s (${missingProfiles} of 10 missing)`);
    const requests = withIds.slice(0, 10).map((u) => ({ method: 'GET', path: `/api/auth/profiles/${u.id}` }));
    res.endpoints.profileGet = await both('GET /api/auth/profiles/:userId', (via) =>
      saturateFast({ url: base(via, 'profiles'), connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, requests }),
    );
  }
  if (!res.endpoints.profilePatch) {
    const tokenSessions = harvested.splice(0, USERS);
    const patchProbe = await call(URLS.gateway, 'PATCH', '/api/auth/profiles/current', {
      body: { profile: { bio: 'probe' } },
      headers: { authorization: `Bearer ${tokenSessions[0]?.accessToken ?? 'none'}` },
    });
    if (missing(patchProbe)) skip('profilePatch', 'PATCH /api/auth/profiles/current');
    else {
      if (patchProbe.status !== 200) throw new Error(`PATCH profiles/current -> ${patchProbe.status} ${patchProbe.text.slice(0, 200)}`);
      const body = JSON.stringify({ profile: { bio: 'benchmarking', theme: 'dark' } });
      const requests = bearerRequests('PATCH', '/api/auth/profiles/current', tokenSessions, body);
      res.endpoints.profilePatch = await both('PATCH /api/auth/profiles/current', (via) =>
        saturateFast({ url: base(via, 'profiles'), connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, requests }),
      );
    }
  }
}

async function gorbEndpoints() {
  const username = (i) => `bench_gorb_${i}`;
  const register = (i) =>
    call(URLS.gateway, 'POST', '/v1/register', {
      body: { identifier: username(i), email: `bench-gorb-${i}@bench.test`, password: PASSWORD, device_name: 'bench' },
      headers: { 'x-forwarded-for': nextIp() },
    });
  const probe = await register(0);
  if (missing(probe)) return skip('gorbLogin', 'Gorb login POST /v1/login (POST /v1/register is missing)');
  if (probe.status !== 200) throw new Error(`POST /v1/register -> ${probe.status} ${probe.text.slice(0, 200)}`);
  const users = await pool(USERS - 1, 4, async (i) => {
    const r = await register(i + 1);
    if (r.status !== 200) throw new Error(`POST /v1/register -> ${r.status} ${r.text.slice(0, 200)}`);
    return username(i + 1);
  });
  users.unshift(username(0));
  const loginProbe = await call(URLS.gateway, 'POST', '/v1/login', {
    body: { identifier: users[0], password: PASSWORD, device_name: 'bench' },
  });
  if (missing(loginProbe)) return skip('gorbLogin', 'Gorb login POST /v1/login');
  if (loginProbe.status !== 200) throw new Error(`POST /v1/login -> ${loginProbe.status} ${loginProbe.text.slice(0, 200)}`);
  res.endpoints.gorbLogin = await both('Gorb login POST /v1/login', (via) =>
    passwordLogin(via, '/v1/login', (u) => ({ identifier: u, password: PASSWORD, device_name: 'bench' }), users),
  );
}

// ---- admin: the users list ----------------------------------------------------------------------
/**
 * Seeds DIRECTORY_USERS users with one INSERT … SELECT generate_series (seconds, not an hour of
 * sign-ups): passwordless, each with a profile name in identity's read model, one second apart.
 * Runs as the database owner (DB_USER), a member of identity_migrator, on the bench database only.
 */
async function seedDirectory() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: stackEnv.DB_HOST,
    port: Number(stackEnv.DB_PORT),
    user: stackEnv.DB_USER,
    password: stackEnv.DB_PASSWORD,
    database: DB_NAME,
  });
  await client.connect();
  try {
    const started = Date.now();
    const r = await client.query(
      `INSERT INTO identity.users (email, email_verified, profile, created_at)
       SELECT 'bench-dir-' || g || '@bench.test', true, jsonb_build_object('name', 'Bench Person ' || g), now() - g * interval '1 second'
       FROM generate_series(1, $1::int) g
       ON CONFLICT DO NOTHING`,
      [DIRECTORY_USERS],
    );
    await client.query('VACUUM ANALYZE identity.users');
    const [{ total }] = (await client.query('SELECT count(*)::int AS total FROM identity.users')).rows;
    return { inserted: r.rowCount, total, seconds: (Date.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

/**
 * `GET /api/auth/users?search=` over DIRECTORY_USERS users, with an admin access token: each
 * request searches a different "person NNNN" (about 11 matches among 100,000: NNNN and NNNN0-9),
 * which the trigram indexes answer.
 */
async function adminEndpoints() {
  const signIn = await call(URLS.gateway, 'POST', '/api/auth/admin/sessions', { body: ADMIN, headers: { 'x-forwarded-for': nextIp() } });
  if (missing(signIn)) return skip('usersSearch', 'GET /api/auth/users?search= (admin sign-in POST /api/auth/admin/sessions is missing)');
  if (signIn.status !== 200) throw new Error(`admin sign-in -> ${signIn.status} ${signIn.text.slice(0, 200)}`);
  const auth = { authorization: `Bearer ${signIn.json.accessToken}` };
  const probe = await call(URLS.gateway, 'GET', '/api/auth/users?search=person%201234', { headers: auth });
  if (missing(probe)) return skip('usersSearch', 'GET /api/auth/users?search=');
  const seeded = await phase(`seed ${DIRECTORY_USERS} users (one INSERT … SELECT generate_series)`, seedDirectory);
  if (seeded.error) return;
  log(`  ${seeded.inserted} inserted in ${seeded.seconds.toFixed(1)} s; ${seeded.total} users in all`);
  const check = await call(URLS.gateway, 'GET', '/api/auth/users?search=person%204242', { headers: auth, expect: 200 });
  if (check.json.pagination.total < 11) throw new Error(`search for "person 4242" found ${check.json.pagination.total} users, expected 11`);
  res.directory = seeded;
  const terms = Array.from({ length: 200 }, (_, i) => 1000 + ((i * 7919) % 9000));
  const requests = terms.map((n) => ({ method: 'GET', path: `/api/auth/users?search=person%20${n}`, headers: auth }));
  res.endpoints.usersSearch = await both(`GET /api/auth/users?search= over ${seeded.total} users`, (via) =>
    saturateFast({ url: base(via), connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, requests }),
  );
}

// ---- mail ----------------------------------------------------------------------------------------
async function mailerHistogram(ports) {
  let sum = 0;
  let count = 0;
  for (const port of ports) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text());
    for (const line of text.split('\n')) {
      const m = /^mailer_enqueue_to_accepted_seconds_(sum|count)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
      if (m?.[1] === 'sum') sum += Number(m[2]);
      else if (m) count += Number(m[2]);
    }
  }
  return { sum, count };
}

/**
 * Sends `n` send-otp requests through the gateway, evenly spaced at `rate` per second, or as fast as
 * 20 at once allow when `rate` is 0. Returns each accepted address with its send time.
 */
async function sendOtps(tag, n, rate) {
  const sentAt = new Map();
  let refused = 0;
  const one = async (i) => {
    const email = `mail-${tag}-${i}@bench.test`;
    const at = Date.now();
    const r = await call(URLS.gateway, 'POST', '/api/auth/email/send-otp', { body: { email }, headers: { 'x-forwarded-for': nextIp() } });
    if (r.status === 202) sentAt.set(email, at);
    else refused++;
  };
  const start = Date.now();
  if (rate > 0) {
    const pending = [];
    for (let i = 0; i < n; i++) {
      const wait = start + (i * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      pending.push(one(i));
    }
    await Promise.all(pending);
  } else await pool(n, 20, one);
  return { sentAt, refused, sendRate: n / ((Date.now() - start) / 1000) };
}

/** Waits (at most 60 s) until the sink holds every accepted message; their arrival times. */
async function arrivals(sentAt) {
  const deadline = Date.now() + 60_000;
  const ours = async () =>
    (await call(URLS.sink, 'GET', '/messages', { expect: 200 })).json
      .map((m) => ({ sent: sentAt.get(m.to?.[0]), arrived: Date.parse(m.receivedAt) }))
      .filter((m) => m.sent !== undefined);
  let got = [];
  while (Date.now() < deadline) {
    const h = await call(URLS.sink, 'GET', '/health', { expect: 200 });
    if (h.json.messages >= sentAt.size && (got = await ours()).length >= sentAt.size) break;
    await sleep(100);
  }
  if (got.length < sentAt.size) got = await ours(); // timed out: what did arrive
  return got.sort((a, b) => a.arrived - b.arrived);
}

const MAILERS = { mailer: PORTS.mailerManagement, mailer2: PORTS.mailer2Management };
const startMailer = (name) =>
  stack.start(name, ['dist/apps/mailer/main.js'], {
    env: { MAILER_MANAGEMENT_PORT: String(MAILERS[name]) },
    ready: readyUrl(MAILERS[name]),
  });

/**
 * With `names` mailer processes running:
 * - latency: MAIL_LATENCY_MESSAGES send-otp requests paced at MAIL_RATE/s; each message's arrival
 *   at the SMTP sink against its request's send time (plus the mailers' own histogram);
 * - throughput: the mailers are stopped, MAIL_MESSAGES requests are sent (the jobs wait in the
 *   queue), the mailers are started again, and the backlog's drain rate is timed from the first to
 *   the last arrival (so the enqueue side and process start-up do not count).
 */
async function mailRun(names) {
  const end = otherCpu();
  const ports = names.map((n) => MAILERS[n]);
  await call(URLS.sink, 'DELETE', '/messages', { expect: 200 });
  const before = await mailerHistogram(ports);
  const steady = await sendOtps(`lat${names.length}-${Date.now().toString(36)}`, MAIL_LATENCY_MESSAGES, MAIL_RATE);
  const got = await arrivals(steady.sentAt);
  const after = await mailerHistogram(ports);
  const histCount = after.count - before.count;
  const other = end(); // the drain below restarts mailers, whose CPU time cannot be followed
  const latency = {
    messages: MAIL_LATENCY_MESSAGES,
    rate: MAIL_RATE,
    refused: steady.refused,
    delivered: got.length,
    ...percentiles(got.map((m) => m.arrived - m.sent)),
    histogramMeanMs: histCount > 0 ? ((after.sum - before.sum) / histCount) * 1000 : null,
    histogramCount: histCount,
  };

  await call(URLS.sink, 'DELETE', '/messages', { expect: 200 });
  for (const n of names) await stack.stop(n);
  const backlog = await sendOtps(`drain${names.length}-${Date.now().toString(36)}`, MAIL_MESSAGES, 0);
  await sleep(500); // the outbox relay hands the last jobs to the queue
  await Promise.all(names.map(startMailer));
  // Where a message's CPU goes: every process's CPU from the moment the mailers are ready until the
  // last message arrived, over the messages that arrived in that window (their start-up is not counted).
  const cpuEnd = cpuWhere();
  const windowStart = Date.now();
  const drained = await arrivals(backlog.sentAt);
  const cpu = cpuEnd();
  const windowSeconds = (Date.now() - windowStart) / 1000;
  const inWindow = drained.filter((m) => m.arrived >= windowStart).length;
  const span = drained.length > 1 ? (drained[drained.length - 1].arrived - drained[0].arrived) / 1000 : null;
  return {
    mailers: names.length,
    otherCpu: other,
    latency,
    drain: {
      messages: MAIL_MESSAGES,
      refused: backlog.refused,
      enqueueRate: backlog.sendRate,
      delivered: drained.length,
      messagesPerSecond: span ? (drained.length - 1) / span : null,
      // µs of CPU per message by role (mailer = all mailer processes together)
      cpuPerMessageUs:
        cpu && inWindow > 0
          ? Object.fromEntries(
              Object.entries(
                Object.entries(cpu.cores).reduce((acc, [role, cores]) => {
                  const k = role.startsWith('mailer') ? 'mailer' : role;
                  acc[k] = (acc[k] ?? 0) + cores;
                  return acc;
                }, {}),
              ).map(([role, cores]) => [role, Math.round((cores * windowSeconds * 1e6) / inWindow)]),
            )
          : null,
      cpuCoresBusy: cpu
        ? +Object.values(cpu.cores)
            .reduce((a, b) => a + b, 0)
            .toFixed(2)
        : null,
      cpuOther: cpu?.other ?? null,
    },
  };
}

async function mail() {
  const probe = await call(URLS.gateway, 'POST', '/api/auth/email/send-otp', { body: { email: 'mail-probe@bench.test' } });
  if (missing(probe)) {
    res.mail = { skipped: NOT_AVAILABLE };
    res.skipped.push(`mail (POST /api/auth/email/send-otp): ${NOT_AVAILABLE}`);
    return;
  }
  await sleep(500); // let the probe's message go out before the sink is cleared
  const out = {};
  const show = (r) =>
    r.error ||
    log(
      `  latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (${r.latency.delivered}/${r.latency.messages} at ${MAIL_RATE}/s); ` +
        `backlog of ${r.drain.delivered}/${r.drain.messages} drained at ${r.drain.messagesPerSecond?.toFixed(0)} msgs/s`,
    );
  out.one = await phase('mail: one mailer process', () => mailRun(['mailer']));
  show(out.one);
  out.two = await phase('mail: two mailer processes', async () => {
    await startMailer('mailer2');
    try {
      return await mailRun(['mailer', 'mailer2']);
    } finally {
      await stack.stop('mailer2');
    }
  });
  show(out.two);
  res.mail = out;
}

// ---- 3. ratios -----------------------------------------------------------------------------------
function ratios() {
  const e = res.endpoints;
  const argon = res.machine.argon2?.rate;
  const hello = res.machine.hello?.rps;
  const pick = (pair, f) => Object.fromEntries(['gateway', 'direct'].map((v) => [v, pair?.[v] && !pair[v].error ? f(pair[v]) : null]));
  const div = (a, b) => (a && b ? a / b : null);
  const edge = (pair) => ({ gateway: div(pair?.gateway?.rps, pair?.direct?.rps), direct: null });
  const drain = (k) => res.mail?.[k]?.drain?.messagesPerSecond;
  // The targets of the performance and deployment issues (see the README's performance section).
  res.ratios = [
    {
      name: 'sign-in req/s / raw argon2 verify/s',
      unit: '',
      target: { op: '>=', value: 0.9 },
      ...pick(e.signIn, (r) => div(r.rps, argon)),
    },
    {
      name: 'Gorb login req/s / raw argon2 verify/s',
      unit: '',
      target: { op: '>=', value: 0.9 },
      ...pick(e.gorbLogin, (r) => div(r.rps, argon)),
    },
    { name: 'sessions/current through the base URL / direct', unit: '', target: { op: '>=', value: 0.9 }, ...edge(e.current) },
    {
      name: 'sessions/current req/s / bare node req/s',
      unit: '',
      target: { op: '>=', value: 0.25 },
      ...pick(e.current, (r) => div(r.rps, hello)),
    },
    { name: 'sessions/current p99 at half saturation', unit: 'ms', target: { op: '<', value: 5 }, ...pick(e.currentHalf, (r) => r.p99) },
    { name: 'refresh req/s', unit: '/s', target: { op: '>=', value: 2000 }, ...pick(e.refresh, (r) => r.rps) },
    {
      name: 'mail backlog drain, two mailers / one',
      unit: '',
      target: { op: '>=', value: 1.8 },
      gateway: div(drain('two'), drain('one')),
      direct: null,
    },
  ];
}

// ---- main ----------------------------------------------------------------------------------------
const pinning = SERVER_CPUS
  ? `Pinned with taskset: load generator (this runner with autocannon and the paced client, and the wrk it starts) on CPU ${LOADGEN_CPU}; the apps, the gateway, the mail sink, the hello server and the argon2 measurement on CPU${SERVER_CPUS.includes('-') ? 's' : ''} ${SERVER_CPUS}${SERVER_CPUS.endsWith(`-${LOADGEN_CPU}`) ? ` (sharing CPU ${LOADGEN_CPU} with the load generator; BENCH_PIN=split separates them)` : ''}; PostgreSQL and Redis not pinned`
  : 'Not pinned (taskset unavailable, one core, or BENCH_PIN=0): servers and load generator share all cores';
res.method = {
  pinning: SERVER_CPUS ? { loadGenerator: LOADGEN_CPU, servers: SERVER_CPUS } : null,
  notes: [
    `Everything on one machine over 127.0.0.1: the load generator shares the ${CORES} cores with the servers, PostgreSQL (database ${DB_NAME}) and Redis (the bench's own, port ${PORTS.redis}).`,
    pinning + '.',
    `Apps built with nest build (rspack bundles), NODE_ENV=production, LOG_LEVEL=${stackEnv.LOG_LEVEL}, RATE_LIMIT_MULTIPLIER=100000, a different X-Forwarded-For per password/refresh/mail request (the load generator connects from loopback, which TRUSTED_PROXIES trusts).`,
    `Saturating runs: ${CONNECTIONS} connections (${PASSWORD_CONNECTIONS} for the argon2-bound sign-in and Gorb login), ${WARMUP} s warm-up then ${DURATION} s measured; sign-in and Gorb login with autocannon (only 2xx answers count, latency per response in µs precision); ${FAST_GENERATOR === 'wrk' ? 'refresh, sessions/current, the profile routes and the hello ceiling with wrk (one thread, a generated Lua script cycling through the requests, or for refresh chaining each answer\'s rotated token into a later request, the warm-up with tokens of its own; answers below 400 count, latency over all answers): a C generator leaves the servers the CPU autocannon would take' : 'every other run with autocannon too (wrk not installed or BENCH_GENERATOR=autocannon)'}.`,
    FAST_GENERATOR === 'wrk'
      ? `Half-rate run: wrk as an open-loop generator (64 connections; a Lua schedule of evenly spaced slots at half the saturated rate, cycling through the same requests, for ${HALF_DURATION} s after a ${WARMUP} s warm-up): latency from the moment a request is written to the end of its answer; how late requests left against their slots is reported beside it, so a stall that holds every connection shows as lag rather than vanishing.`
      : `Half-rate run: open-loop client in a process of its own (node:http, keep-alive, up to 64 sockets; its CPU use and its worst scheduling lag are reported) sending evenly spaced requests at half the saturated rate for ${HALF_DURATION} s; latency from hand-off to the client to the end of the answer.`,
    `"other CPU" = the share of all cores that processes outside the bench (anything but the runner, the processes it started, its Redis and the PostgreSQL backends of ${DB_NAME}) used during that measurement: above ~10% the figure is depressed by other work on the machine.`,
    `"gateway" = through the base URL: nginx (gateway/nginx.mjs; one extra proxy hop with upstream keep-alive, on the same cores); "direct" = the app's own port (identity, or profiles for the profile routes).`,
    `Before each measurement the runner waits (at most ${SETTLE_MAX_MS / 1000} s) until the apps, PostgreSQL and Redis together use under a tenth of a core: work a run leaves behind (the profile events of the PATCH runs, outbox relays) is not counted against the next.`,
    `Sign-in cycles through ${USERS} pre-created users; refresh chains rotating tokens (each token used once); sessions/current and PATCH cycle through users' access tokens.`,
    `Machine limits, measured before the platform starts and again after it stopped (the better of the two counts): argon2id verify via @node-rs/argon2 (async, libuv pool) at m=${ARGON2.PASSWORD_ARGON2_MEMORY_KIB} KiB, t=${ARGON2.PASSWORD_ARGON2_TIME_COST}, p=${ARGON2.PASSWORD_ARGON2_PARALLELISM} for 5 s with as many verifications in flight as pool threads, one per core and max(4, 2 per core), the better of the two; bare node:http hello world in its own process, ${FAST_GENERATOR} 50 connections, 2 s warm-up, 8 s measured.`,
    `Mail, with one and then two mailer processes: latency = ${MAIL_LATENCY_MESSAGES} send-otp requests through the gateway paced at ${MAIL_RATE}/s, each message's arrival at the SMTP sink (test/harness/mail-sink.mjs) minus its request's send time ("histogram mean" = the mailers' own mailer_enqueue_to_accepted_seconds); throughput = a backlog of ${MAIL_MESSAGES} messages queued while the mailers are stopped, drained after they start, timed from the first to the last arrival.`,
  ],
};

let exitCode = 0;
try {
  log(`node ${process.versions.node}, ${res.cpu.model}, ${CORES} cores; ${pinning}`);
  res.cpuBusyBefore = await cpuBusy();
  if (res.cpuBusyBefore !== null) {
    const pct = (res.cpuBusyBefore * 100).toFixed(0);
    log(`  machine ${pct}% busy before the run (load average ${res.loadavg.before.join(' ')})`);
    if (res.cpuBusyBefore > 0.15) {
      const warning = `the machine was ${pct}% busy with other work before the run (load average ${res.loadavg.before.join(' ')}): every figure is lower than on a quiet machine`;
      res.warnings.push(warning);
      log(`  WARNING: ${warning}`);
    }
  }
  if (ONLY.has('machine')) await machineLimits('start');

  log('starting the platform (sink, identity, mailer, profiles, gateway)');
  await startPlatform(stack, PORTS);
  const pc = await call(URLS.gateway, 'GET', '/api/auth/public-config', { expect: 200 });
  log(`  ready; public-config answers ${pc.status}`);

  if (ONLY.has('insforge')) await phase('InsForge endpoints', insforgeEndpoints);
  if (ONLY.has('gorb')) await phase('Gorb endpoints', gorbEndpoints);
  if (ONLY.has('admin')) await phase('admin endpoints', adminEndpoints);
  if (ONLY.has('mail')) await phase('mail', mail);
} catch (err) {
  res.errors.push(`run aborted: ${err instanceof Error ? err.message : String(err)}`);
  log(`ABORTED: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  if (!shutdown.started()) {
    log('stopping the platform');
    await stack.stopAll();
  }
}
if (ONLY.has('machine') && !shutdown.started() && exitCode === 0) await machineLimits('end');
if (res.errors.length) exitCode = 1;

res.loadavg.after = loadavg().map((v) => +v.toFixed(2));
res.cpuBusyAfter = await cpuBusy();
if (res.cpuBusyAfter !== null && res.cpuBusyAfter > 0.15)
  res.warnings.push(`the machine was ${(res.cpuBusyAfter * 100).toFixed(0)}% busy with other work right after the run`);
{
  const disturbed = [];
  const see = (what, r) => r?.otherCpu > 0.1 && disturbed.push([what, r.otherCpu]);
  see('raw argon2', res.machine.argon2);
  see('bare node hello', res.machine.hello);
  for (const [k, pair] of Object.entries(res.endpoints)) for (const via of ['gateway', 'direct']) see(`${k} via ${via}`, pair?.[via]);
  for (const k of ['one', 'two']) see(`mail (${k})`, res.mail?.[k]);
  if (disturbed.length) {
    disturbed.sort((a, b) => b[1] - a[1]);
    res.warnings.push(
      `${disturbed.length} measurement(s) ran while other work used more than 10% of the CPU (worst: ` +
        disturbed
          .slice(0, 3)
          .map(([w, v]) => `${w} ${(v * 100).toFixed(0)}%`)
          .join(', ') +
        '): those figures are low; run again on a quiet machine',
    );
  }
}
res.totalSeconds = (Date.now() - t0) / 1000;
ratios();
console.log(printReport(res));
mkdirSync(RESULTS, { recursive: true });
const files = { 'latest.json': JSON.stringify(res, null, 2) + '\n', 'latest.md': markdownReport(res) };
try {
  // the repository's prettier style, so that the committed results pass `prettier --check`
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(join(RESULTS, 'latest.md'));
  for (const [file, parser] of [
    ['latest.json', 'json'],
    ['latest.md', 'markdown'],
  ])
    files[file] = await prettier.format(files[file], { ...options, parser });
} catch {
  /* unformatted is fine */
}
for (const [file, text] of Object.entries(files)) {
  writeFileSync(join(RESULTS, `${file}.tmp`), text);
  renameSync(join(RESULTS, `${file}.tmp`), join(RESULTS, file));
}
log(`results: bench/results/latest.json, bench/results/latest.md${exitCode ? ' (with errors, see above)' : ''}`);
process.exit(exitCode);
