// The soak runner (`npm run soak`, started by scripts/bench.sh with BENCH_SCRIPT=bench/soak.mjs,
// which prepares services, build and a fresh database exactly as for the bench): starts the
// platform on bench-only loopback ports, sends a paced mixed load for SOAK_SECONDS (default 600)
// and samples each app's RSS (from /proc) and V8 heap (its /metrics) every SOAK_SAMPLE_SECONDS.
// Writes bench/results/soak.{json,md} with the curve and a verdict per app: flat or growing, from
// the floor of its V8 heap (what survives collections) in the two halves after a warm-up.
// Bounded: loopback only, a fixed rate, a fixed duration; everything started is stopped on exit.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { call, percentiles, pool } from './lib/load.mjs';
import { BENCH_ANON_KEY, benchPorts, platformEnv, startPlatform, stopAllOnExit } from './lib/platform.mjs';
import { Stack } from './lib/stack.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, '.data', 'bench');
const RESULTS = join(ROOT, 'bench', 'results');
const env = process.env;
const int = (name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number(env[name]));

const SECONDS = int('SOAK_SECONDS', 600);
const SAMPLE_SECONDS = int('SOAK_SAMPLE_SECONDS', 5);
const RATE = int('SOAK_RATE', 100); // requests per second, all kinds together
const USERS = int('SOAK_USERS', 20);
const MAX_IN_FLIGHT = 64;
/** Growth of RSS over the second half above this share of its level (and above 8 MiB) is "growing". */
const GROWTH_TOLERANCE = 0.05;
if (!(SECONDS >= 10 && SECONDS <= 24 * 3600)) throw new Error('SOAK_SECONDS must be between 10 and 86400');

// Ports and environment exactly as bench/run.mjs starts the platform (bench-only ports, loopback).
const PORTS = benchPorts();
const GATEWAY = `http://127.0.0.1:${PORTS.gateway}`;
const SINK = `http://127.0.0.1:${PORTS.sinkHttp}`;
const DB_NAME = env.DB_NAME ?? '';
if (!/_bench$/.test(DB_NAME)) {
  console.error(`soak: refusing to run against database "${DB_NAME}": its name must end in _bench (run it via npm run soak)`);
  process.exit(64);
}
const ANON_KEY = BENCH_ANON_KEY;
const PASSWORD = 'Soak-Passw0rd!';
const stackEnv = platformEnv({
  ports: PORTS,
  dbName: DB_NAME,
  dataDir: DATA,
  admin: { username: 'soak-admin', password: 'soak-only-admin-password-00000' },
  mailFrom: 'Auth Soak <no-reply@bench.test>',
});
const APPS = { identity: PORTS.identityManagement, profiles: PORTS.profilesManagement, mailer: PORTS.mailerManagement };

const t0 = Date.now();
const log = (msg) => console.log(`[soak +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);
const stack = new Stack({ root: ROOT, dataDir: DATA, env: stackEnv, serverCpus: env.BENCH_SERVER_CPUS || undefined });
const shutdown = stopAllOnExit(stack, log);

// ---- sampling ------------------------------------------------------------------------------------
const MiB = 1024 * 1024;
function rssBytes(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
async function heapBytes(port) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    const text = await r.text();
    const m = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
const samples = [];
async function sample() {
  const groups = stack.groups();
  const at = (Date.now() - loadStart) / 1000;
  const row = { t: Math.round(at * 10) / 10 };
  await Promise.all(
    Object.entries(APPS).map(async ([name, port]) => {
      const pid = groups[name]?.[0];
      row[name] = { rss: pid ? rssBytes(pid) : null, heapUsed: await heapBytes(port) };
    }),
  );
  samples.push(row);
}

/** Least-squares slope (bytes per second) of the samples' values over time. */
function slope(points) {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mx) * (p.v - my);
    den += (p.t - mx) ** 2;
  }
  return den ? num / den : null;
}
/**
 * Flat or growing, from the floor of each app's V8 heap. V8 collects lazily: the heap (and RSS with
 * it) climbs in a sawtooth between major collections, so a slope over a few minutes measures where
 * the teeth fell. What survives a collection is the floor: after a warm-up (the first fifth: JIT,
 * pools, caches), the lowest heap of the first half of the rest is compared with the lowest of the
 * second; a leak lifts it. "growing" when it rose by more than GROWTH_TOLERANCE of itself and 8 MiB.
 */
function verdicts() {
  const warm = samples.filter((s) => s.t >= SECONDS / 5);
  const mid = warm.length ? (warm[0].t + warm[warm.length - 1].t) / 2 : 0;
  const floor = (name, key, from, to) => {
    const v = warm.filter((s) => s.t >= from && s.t < to && s[name][key]).map((s) => s[name][key]);
    return v.length ? Math.min(...v) : null;
  };
  return Object.fromEntries(
    Object.keys(APPS).map((name) => {
      const heapA = floor(name, 'heapUsed', 0, mid);
      const heapB = floor(name, 'heapUsed', mid, Infinity);
      const rssA = floor(name, 'rss', 0, mid);
      const rssB = floor(name, 'rss', mid, Infinity);
      const rise = heapA === null || heapB === null ? null : heapB - heapA;
      const verdict = rise === null ? 'unknown' : rise > Math.max(GROWTH_TOLERANCE * heapA, 8 * MiB) ? 'growing' : 'flat';
      const all = samples.map((s) => s[name].rss).filter(Boolean);
      const rss = samples.filter((s) => s.t >= SECONDS / 2 && s[name].rss).map((s) => ({ t: s.t, v: s[name].rss }));
      return [
        name,
        {
          verdict,
          rssStartMiB: all.length ? all[0] / MiB : null,
          rssEndMiB: all.length ? all[all.length - 1] / MiB : null,
          rssMaxMiB: all.length ? Math.max(...all) / MiB : null,
          heapFloorMiB: [heapA, heapB].map((v) => (v === null ? null : v / MiB)),
          rssFloorMiB: [rssA, rssB].map((v) => (v === null ? null : v / MiB)),
          secondHalfRssSlopeMiBPerMin: slope(rss) === null ? null : (slope(rss) * 60) / MiB,
        },
      ];
    }),
  );
}

// ---- load ----------------------------------------------------------------------------------------
let ipCounter = 1;
const nextIp = () => {
  const n = ipCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
const counts = {};
const latencies = {};
function count(kind, status, ms) {
  const c = (counts[kind] ??= { ok: 0, rejected: 0, failed: 0 });
  if (status >= 200 && status < 300) c.ok++;
  else if (status === 0 || status >= 500) c.failed++;
  else c.rejected++;
  (latencies[kind] ??= []).push(ms);
  if (latencies[kind].length > 20_000) latencies[kind].splice(0, 10_000);
}
async function timed(kind, fn) {
  const start = performance.now();
  let status = 0;
  try {
    status = await fn();
  } catch {
    status = 0;
  }
  count(kind, status, performance.now() - start);
}

/**
 * The mix, by weight: mostly session checks and profile reads (the common traffic), some refreshes
 * and profile writes, a few password sign-ins (argon2: expensive) and emailed codes (the mailer).
 */
function mix(users, sessions) {
  const pick = (a) => a[Math.floor(Math.random() * a.length)];
  const bearer = (s) => ({ authorization: `Bearer ${s.accessToken}` });
  return [
    [
      40,
      'sessions/current',
      () =>
        timed(
          'sessions/current',
          async () => (await call(GATEWAY, 'GET', '/api/auth/sessions/current', { headers: bearer(pick(sessions)) })).status,
        ),
    ],
    [
      20,
      'profile get',
      () => timed('profile get', async () => (await call(GATEWAY, 'GET', `/api/auth/profiles/${pick(users).id}`)).status),
    ],
    [
      10,
      'profile patch',
      () =>
        timed('profile patch', async () => {
          const body = { profile: { bio: `soak ${Date.now()}` } };
          return (await call(GATEWAY, 'PATCH', '/api/auth/profiles/current', { body, headers: bearer(pick(sessions)) })).status;
        }),
    ],
    [
      15,
      'refresh',
      async () => {
        const s = pick(sessions);
        if (s.busy) return; // one rotation at a time per chain (a concurrent one would be a grace replay)
        s.busy = true;
        try {
          await timed('refresh', async () => {
            const r = await call(GATEWAY, 'POST', '/api/auth/refresh?client_type=mobile', {
              body: { refreshToken: s.refreshToken },
              headers: { 'x-forwarded-for': nextIp() },
            });
            if (r.status === 200) Object.assign(s, { accessToken: r.json.accessToken, refreshToken: r.json.refreshToken });
            return r.status;
          });
        } finally {
          s.busy = false;
        }
      },
    ],
    [
      5,
      'sign-in',
      () =>
        timed('sign-in', async () => {
          const u = pick(users);
          const r = await call(GATEWAY, 'POST', '/api/auth/sessions?client_type=mobile', {
            body: { email: u.email, password: PASSWORD },
            headers: { 'x-forwarded-for': nextIp() },
          });
          return r.status;
        }),
    ],
    [
      3,
      'send-otp',
      () =>
        timed('send-otp', async () => {
          const r = await call(GATEWAY, 'POST', '/api/auth/email/send-otp', {
            body: { email: pick(users).email },
            headers: { 'x-forwarded-for': nextIp() },
          });
          return r.status;
        }),
    ],
  ];
}

let loadStart = Date.now();
async function run() {
  log(`starting the platform (gateway on ${GATEWAY})`);
  await startPlatform(stack, PORTS);
  const users = await pool(USERS, 4, async (i) => {
    const email = `soak-user-${i}@bench.test`;
    const r = await call(GATEWAY, 'POST', '/api/auth/users?client_type=mobile', {
      body: { email, password: PASSWORD, name: `Soak User ${i}` },
      headers: { authorization: `Bearer ${ANON_KEY}`, 'x-forwarded-for': nextIp() },
      expect: [200, 201],
    });
    return { email, id: r.json.user.id, accessToken: r.json.accessToken, refreshToken: r.json.refreshToken };
  });
  const sessions = users.filter((u) => u.accessToken && u.refreshToken);
  if (!sessions.length) throw new Error('sign-up returned no tokens (mobile client): cannot soak the session endpoints');
  const kinds = mix(users, sessions);
  const total = kinds.reduce((s, [w]) => s + w, 0);
  const choose = () => {
    let r = Math.random() * total;
    for (const k of kinds) if ((r -= k[0]) < 0) return k;
    return kinds[kinds.length - 1];
  };

  log(`mixed load at ${RATE} req/s for ${SECONDS} s; RSS and heap sampled every ${SAMPLE_SECONDS} s`);
  loadStart = Date.now();
  let inFlight = 0;
  let skipped = 0;
  let sent = 0;
  const end = loadStart + SECONDS * 1000;
  let nextSample = loadStart;
  const pending = new Set();
  while (Date.now() < end) {
    if (Date.now() >= nextSample) {
      nextSample += SAMPLE_SECONDS * 1000;
      void sample();
      const last = samples[samples.length - 1];
      if (last && samples.length % 12 === 0)
        log(
          `  ${Object.keys(APPS)
            .map((n) => `${n} ${((last[n].rss ?? 0) / MiB).toFixed(0)} MiB`)
            .join(', ')}`,
        );
    }
    // The schedule: request number `sent` is due at loadStart + sent / RATE.
    const due = loadStart + (sent * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) {
      await sleep(Math.min(wait, 50));
      continue;
    }
    sent++;
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++; // the platform is behind: drop rather than queue without bound
      continue;
    }
    inFlight++;
    const p = choose()[2]().finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.allSettled([...pending]);
  await sample();
  const elapsed = (Date.now() - loadStart) / 1000;
  const perKind = Object.fromEntries(
    Object.entries(counts).map(([k, c]) => [k, { ...c, ...percentiles(latencies[k].map((ms) => Math.round(ms * 100) / 100)) }]),
  );
  const mailProbe = await call(SINK, 'GET', '/messages').catch(() => null);
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    seconds: SECONDS,
    sampleSeconds: SAMPLE_SECONDS,
    rate: RATE,
    sent,
    skippedBehind: skipped,
    achievedRate: (sent - skipped) / elapsed,
    mailsAtSink: Array.isArray(mailProbe?.json) ? mailProbe.json.length : (mailProbe?.json?.messages?.length ?? null),
    requests: perKind,
    verdicts: verdicts(),
    samples: samples.map((s) => ({
      t: s.t,
      ...Object.fromEntries(
        Object.keys(APPS).map((n) => [n, { rssMiB: s[n].rss && s[n].rss / MiB, heapUsedMiB: s[n].heapUsed && s[n].heapUsed / MiB }]),
      ),
    })),
  };
}

function markdown(r) {
  const f = (x, d = 1) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
  const lines = [
    `# Soak: ${r.seconds} s of mixed load at ${r.rate} req/s (${r.date})`,
    '',
    `Node ${r.node}; ${r.sent} requests scheduled, ${r.skippedBehind} dropped because ${MAX_IN_FLIGHT} were already in flight; ` +
      `RSS and heap sampled every ${r.sampleSeconds} s. Verdict from the floor of the V8 heap (its lowest sample: what ` +
      `survived a collection) in the two halves after a warm-up of a fifth of the run ("growing" when it rose by more than ` +
      `${GROWTH_TOLERANCE * 100} % and 8 MiB). Heap and RSS climb in a sawtooth between major collections: the RSS slope ` +
      `is shown, but says where the teeth fell, not whether memory leaks.`,
    '',
    '| app | verdict | heap floor MiB (1st → 2nd half) | RSS floor MiB (1st → 2nd half) | RSS start MiB | RSS end MiB | RSS max MiB | 2nd-half RSS slope MiB/min |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(r.verdicts).map(
      ([n, v]) =>
        `| ${n} | ${v.verdict} | ${f(v.heapFloorMiB[0])} → ${f(v.heapFloorMiB[1])} | ${f(v.rssFloorMiB[0])} → ${f(v.rssFloorMiB[1])} | ${f(v.rssStartMiB)} | ${f(v.rssEndMiB)} | ${f(v.rssMaxMiB)} | ${f(v.secondHalfRssSlopeMiBPerMin, 2)} |`,
    ),
    '',
    '| request | 2xx | 4xx | failed (5xx/network) | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(r.requests).map(([k, c]) => `| ${k} | ${c.ok} | ${c.rejected} | ${c.failed} | ${f(c.p50, 2)} | ${f(c.p99, 2)} |`),
    '',
    '## RSS curve (MiB)',
    '',
    `| t (s) | ${Object.keys(APPS).join(' | ')} |`,
    `| ---: | ${Object.keys(APPS)
      .map(() => '---:')
      .join(' | ')} |`,
    ...r.samples.map(
      (s) =>
        `| ${f(s.t, 0)} | ${Object.keys(APPS)
          .map((n) => f(s[n].rssMiB))
          .join(' | ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

try {
  const r = await run();
  mkdirSync(RESULTS, { recursive: true });
  for (const [file, text] of [
    ['soak.json', JSON.stringify(r, null, 2) + '\n'],
    ['soak.md', markdown(r)],
  ]) {
    writeFileSync(join(RESULTS, `${file}.tmp`), text);
    renameSync(join(RESULTS, `${file}.tmp`), join(RESULTS, file));
  }
  for (const [n, v] of Object.entries(r.verdicts))
    log(
      `${n}: ${v.verdict} (heap floor ${f1(v.heapFloorMiB[0])} -> ${f1(v.heapFloorMiB[1])} MiB; RSS ${f1(v.rssStartMiB)} -> ${f1(v.rssEndMiB)} MiB)`,
    );
  log(`wrote bench/results/soak.json and soak.md`);
  await shutdown(0);
} catch (err) {
  console.error(`soak failed: ${err.stack ?? err}`);
  await shutdown(1);
}
function f1(x) {
  return x === null || x === undefined ? 'n/a' : x.toFixed(1);
}
