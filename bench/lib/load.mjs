// Load generators. `saturate` is autocannon (closed loop: each connection sends its next request
// when the previous answer arrives) with latencies recorded per response in microsecond precision
// (autocannon's own histogram rounds to whole milliseconds). `paced` is an open-loop generator at a
// fixed rate, evenly spaced: autocannon's `-R` sends each connection's quota for the second in one
// burst, which measures queueing under bursts rather than latency at that rate.
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** p50/p99/max etc. of latencies in ms. */
export function percentiles(samples) {
  if (!samples.length) return { p50: null, p90: null, p99: null, max: null, mean: null };
  const s = Float64Array.from(samples).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1], mean: sum / s.length };
}

function runCannon(opts, onResponse) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ timeout: 30, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
    if (onResponse) inst.on('response', onResponse);
  });
}

/**
 * Closed-loop load for `duration` seconds after `warmup` seconds (a separate, discarded run).
 * opts: url, connections, duration, warmup, plus any autocannon option (method, headers, body,
 * requests, ...). Only 2xx answers count towards rps and latency; the rest is reported.
 */
export async function saturate({ warmup = 1, ...opts }) {
  if (warmup > 0) await runCannon({ ...opts, duration: warmup });
  const lat = [];
  const cpu0 = process.cpuUsage();
  const res = await runCannon(opts, (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) lat.push(ms);
  });
  const cpu = process.cpuUsage(cpu0);
  const ok = res['2xx'];
  const statusCodes = Object.fromEntries(Object.entries(res.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  return {
    rps: ok / res.duration,
    ok,
    non2xx: res.non2xx,
    errors: res.errors,
    timeouts: res.timeouts,
    statusCodes,
    seconds: res.duration,
    connections: opts.connections,
    // the load generator's own CPU, in cores: near 1 means it, not the server, set the pace
    loadgenCpu: +((cpu.user + cpu.system) / 1e6 / res.duration).toFixed(2),
    ...percentiles(lat),
  };
}

/**
 * Open-loop load: `rate` requests per second, evenly spaced (1 ms timer ticks), for `duration`
 * seconds. Latency runs from the moment a request is handed to the client (queueing for a free
 * socket included) to the end of the answer.
 */
export async function paced({ url, method = 'GET', headers = {}, body, rate, duration, warmup = 1, sockets = 64 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const target = new URL(url);
  const one = (lat, counts) =>
    new Promise((resolve) => {
      const t = performance.now();
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) {
              counts.ok++;
              lat.push(performance.now() - t);
            } else counts.non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        counts.errors++;
        resolve();
      });
      req.end(body);
    });
  const phase = async (seconds) => {
    const lat = [];
    const counts = { ok: 0, non2xx: 0, errors: 0 };
    const total = Math.round(rate * seconds);
    const pending = new Set();
    const t0 = performance.now();
    let sent = 0;
    let maxLagMs = 0;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
      if (due - sent > 1) maxLagMs = Math.max(maxLagMs, ((due - sent - 1) * 1000) / rate);
      for (; sent < due; sent++) {
        const p = one(lat, counts);
        pending.add(p);
        p.then(() => pending.delete(p));
      }
      await sleep(1);
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    await Promise.race([Promise.all(pending), sleep(30_000)]);
    return { lat, counts, sendSeconds, maxLagMs };
  };
  try {
    if (warmup > 0) await phase(warmup);
    const cpu0 = process.cpuUsage();
    const { lat, counts, sendSeconds, maxLagMs } = await phase(duration);
    const cpu = process.cpuUsage(cpu0);
    return {
      rate,
      achievedRate: counts.ok / sendSeconds,
      ...counts,
      seconds: sendSeconds,
      maxSchedulerLagMs: maxLagMs,
      loadgenCpu: +((cpu.user + cpu.system) / 1e6 / sendSeconds).toFixed(2),
      ...percentiles(lat),
    };
  } finally {
    agent.destroy();
  }
}

/** A small JSON client for setup steps (not measured). */
export async function call(base, method, path, { body, headers = {}, expect } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (expect !== undefined && !(Array.isArray(expect) ? expect : [expect]).includes(res.status)) {
    throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Runs `fn(i)` for i in [0, n) with at most `limit` at once. */
export async function pool(n, limit, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, limit) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** `paced` run in a child process of its own (bench/lib/paced-worker.mjs); same options and result. */
export function pacedProcess(opts) {
  const worker = fileURLToPath(new URL('./paced-worker.mjs', import.meta.url));
  const budgetMs = ((opts.duration ?? 5) + (opts.warmup ?? 1) + 60) * 1000;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [worker],
      { env: { ...process.env, PACED_OPTIONS: JSON.stringify(opts) }, timeout: budgetMs, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`paced generator failed: ${err.message} ${stderr}`));
        resolve({ ...JSON.parse(stdout.trim().split('\n').pop()), generator: 'own process' });
      },
    );
  });
}
