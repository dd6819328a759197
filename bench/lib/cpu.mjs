// How much of the machine other work used while a measurement ran: all CPU time (/proc/stat)
// minus the CPU time of the bench's own processes (the runner, what it started, its Redis and the
// PostgreSQL backends serving its database). Linux only; null elsewhere.
import { readdirSync, readFileSync } from 'node:fs';

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
