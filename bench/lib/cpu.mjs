// How much of the machine other work used while a measurement ran: all CPU time (/proc/stat)
// minus the CPU time of the bench's own processes (the runner, what it started, its Redis and the
// PostgreSQL backends serving its database). Linux only; null elsewhere.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

function machine() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { total, busy: total - f[3] - f[4] };
  } catch {
    return null;
  }
}

/** utime + stime of a process (all its threads), in clock ticks like /proc/stat. */
function ticks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/** PostgreSQL backends connected to `db` (their titles read "postgres: ... <user> <db> <addr> ..."). */
function backends(db) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && cmd.includes(` ${db} `)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** pid -> { pgrp, comm, ticks } for every process, where ticks include its reaped children's. */
function processTable() {
  const out = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, 'utf8');
      const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      // utime stime cutime cstime: a child that exited and was waited for (wrk) counts for its parent
      out.set(Number(e), { pgrp: Number(f[2]), comm, ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** CPU ticks of a process's libuv pool threads (argon2id runs there): the part that is not its main thread's work. */
function poolTicks(pid) {
  let sum = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      if (!s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')).startsWith('libuv-worker')) continue;
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      sum += Number(f[11]) + Number(f[12]);
    }
  } catch {
    /* gone */
  }
  return sum;
}

/**
 * Where the CPU went during a window, per role, in cores (1 = one core busy for the whole window).
 * @param {() => Record<string, number[]>} groups role -> process-group ids (a role's leader and
 *   everything it started: nginx's workers, the runner's wrk)
 * @param {() => Record<string, number[]>} pids role -> single pids (Redis)
 * @param {string} db the PostgreSQL database whose backends count as role "postgres"
 */
export function cpuBreakdown(groups, pids, db) {
  const snap = () => {
    const m = machine();
    if (!m) return null;
    const table = processTable();
    const byGroup = new Map();
    for (const [role, ids] of Object.entries(groups())) for (const g of ids) byGroup.set(g, role);
    const single = new Map();
    for (const [role, ids] of Object.entries(pids())) for (const p of ids) single.set(p, role);
    const pg = new Set(backends(db));
    const roleOf = new Map();
    for (const [pid, info] of table) {
      const role = single.get(pid) ?? byGroup.get(info.pgrp) ?? (pg.has(pid) ? 'postgres' : undefined);
      if (role) roleOf.set(pid, { role, ticks: info.ticks, pool: role === 'identity' ? poolTicks(pid) : 0 });
    }
    return { ...m, roleOf };
  };
  return () => {
    const a = snap();
    return () => {
      const b = snap();
      if (!a || !b || b.total <= a.total) return null;
      // /proc/stat's total counts every core; ticks per core over the window:
      const perCore = (b.total - a.total) / cpus().length;
      const cores = {};
      let identityPool = 0; // a part of identity's: its libuv pool threads
      let own = 0;
      for (const [pid, { role, ticks: t, pool }] of b.roleOf) {
        const d = Math.max(0, t - (a.roleOf.get(pid)?.ticks ?? 0));
        own += d;
        cores[role] = (cores[role] ?? 0) + d / perCore;
        if (pool) identityPool += Math.max(0, pool - (a.roleOf.get(pid)?.pool ?? 0)) / perCore;
      }
      for (const k of Object.keys(cores)) cores[k] = +cores[k].toFixed(3);
      const other = Math.min(1, Math.max(0, (b.busy - a.busy - own) / (b.total - a.total)));
      return { cores, identityPool: +identityPool.toFixed(3), other: +other.toFixed(3) };
    };
  };
}

/** @param {() => number[]} ownPids the bench's processes now; @param {string} db its database */
export function cpuMeter(ownPids, db) {
  const snap = () => {
    const m = machine();
    if (!m) return null;
    const own = new Map();
    for (const pid of [...ownPids(), ...backends(db)]) {
      const t = ticks(pid);
      if (t !== null) own.set(pid, t);
    }
    return { ...m, own };
  };
  /** Starts a window; the returned function ends it and gives other work's share of all cores. */
  return () => {
    const a = snap();
    return () => {
      const b = snap();
      if (!a || !b || b.total <= a.total) return null;
      let own = 0;
      for (const [pid, t] of b.own) own += t - (a.own.get(pid) ?? 0);
      const other = (b.busy - a.busy - own) / (b.total - a.total);
      return +Math.min(1, Math.max(0, other)).toFixed(3);
    };
  };
}

/** Other work's share of all cores while `fn` ran inside this one process (for a child that exits). */
export async function selfMeasured(fn) {
  const a = machine();
  const u0 = process.cpuUsage();
  const out = await fn();
  const b = machine();
  const u = process.cpuUsage(u0);
  if (!a || !b || b.total <= a.total) return { out, other: null };
  // cpuUsage is in µs; /proc/stat ticks are USER_HZ (100 on Linux).
  const ownTicks = ((u.user + u.system) / 1e6) * 100;
  return { out, other: +Math.min(1, Math.max(0, (b.busy - a.busy - ownTicks) / (b.total - a.total))).toFixed(3) };
}

/**
 * Linux's CPU pressure (PSI, /proc/pressure/cpu "some"): the share of a window during which at
 * least one runnable task waited for a core. Scheduling delay, not work: a latency tail that tracks
 * it comes from time-sharing the cores. Call to start a window; the result ends it (null where the
 * kernel has no PSI).
 */
export function cpuPressure() {
  const read = () => {
    try {
      const m = /^some .*total=(\d+)$/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
      return m ? { stalledUs: Number(m[1]), at: performance.now() } : null;
    } catch {
      return null;
    }
  };
  const a = read();
  return () => {
    const b = read();
    if (!a || !b || b.at <= a.at) return null;
    return +Math.min(1, (b.stalledUs - a.stalledUs) / ((b.at - a.at) * 1000)).toFixed(3);
  };
}
