// The processes one bench run starts (apps, gateway, mail sink, helper servers), each in its own
// process group with its log under .data/bench/logs. Their pids are also written to a file so that
// scripts/bench.sh can stop them if this runner dies without cleaning up.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Each child leads its own process group (detached): its own children (nginx's) go with it. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

export const answers = (url) =>
  fetch(url, { signal: AbortSignal.timeout(1500) }).then(
    (r) => r.ok,
    () => false,
  );

export class Stack {
  /** @param {{ root: string, dataDir: string, env: Record<string,string>, serverCpus?: string }} opts */
  constructor({ root, dataDir, env, serverCpus }) {
    this.root = root;
    this.dataDir = dataDir;
    this.logs = join(dataDir, 'logs');
    this.pidFile = join(dataDir, 'pids');
    this.env = env;
    this.serverCpus = serverCpus;
    /** @type {Map<string, import('node:child_process').ChildProcess>} */
    this.procs = new Map();
    /** Processes that exited without being asked to: [{ name, code, signal }]. */
    this.unexpected = [];
    this.stopRequested = new Set();
    mkdirSync(this.logs, { recursive: true });
    this.savePids();
  }

  savePids() {
    writeFileSync(this.pidFile, [...this.procs.values()].map((p) => `${p.pid}\n`).join(''));
  }

  /**
   * Starts `node <script> ...args` (restricted to serverCpus when set: the runner itself is pinned
   * to the load generator's core and children would inherit that) and waits for `ready` to answer.
   */
  async start(name, args, { env = {}, ready, timeoutMs = 60_000 } = {}) {
    if (this.procs.has(name)) throw new Error(`${name} already running`);
    const log = openSync(join(this.logs, `${name}.log`), 'w');
    // BENCH_CPU_PROF=mailer,identity: those processes write a V8 CPU profile when they stop
    // (.data/bench/profiles/<name>/, open it in Chrome's DevTools or speedscope).
    const profiled = (process.env.BENCH_CPU_PROF ?? '').split(',').map((x) => x.trim().replace(/\d+$/, ''));
    const prof = profiled.includes(name.replace(/\d+$/, '')) ? ['--cpu-prof', `--cpu-prof-dir=${join(this.dataDir, 'profiles', name)}`] : [];
    const cmd = this.serverCpus ? 'taskset' : process.execPath;
    const argv = this.serverCpus ? ['-c', this.serverCpus, process.execPath, ...prof, ...args] : [...prof, ...args];
    const child = spawn(cmd, argv, {
      cwd: this.root,
      env: { ...process.env, ...this.env, ...env },
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    this.procs.set(name, child);
    this.savePids();
    let exited = null;
    child.once('exit', (code, signal) => {
      exited = signal ?? code;
      if (!this.stopRequested.has(child.pid)) {
        this.unexpected.push({ name, code, signal });
        this.onUnexpectedExit?.(name, code, signal);
      }
    });
    if (!ready) return child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`${name} exited (${exited}) while starting; see ${join(this.logs, `${name}.log`)}`);
      if (await answers(ready)) return child;
      await sleep(100);
    }
    throw new Error(`${name} not ready after ${timeoutMs / 1000} s (${ready}); see ${join(this.logs, `${name}.log`)}`);
  }

  /** name -> [pid] of the processes running now (each leads its own process group). */
  groups() {
    return Object.fromEntries([...this.procs.entries()].filter(([, p]) => p.pid).map(([name, p]) => [name, [p.pid]]));
  }

  /** Pids of the processes running now. */
  pids() {
    return [...this.procs.values()].map((p) => p.pid).filter(Boolean);
  }

  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  async stop(name, graceMs = 10_000) {
    const child = this.procs.get(name);
    if (!child) return;
    this.stopRequested.add(child.pid);
    if (child.exitCode === null && child.signalCode === null && alive(child.pid)) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive(child.pid) && killGroup(child.pid, 'SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
    this.procs.delete(name);
    this.savePids();
  }

  /** Stops everything, newest first (the gateway before the apps behind it). */
  async stopAll() {
    for (const name of [...this.procs.keys()].reverse()) await this.stop(name).catch(() => undefined);
  }

  /** Synchronous last resort (process 'exit'): SIGKILL whatever is still running. */
  killAllNow() {
    for (const child of this.procs.values()) {
      this.stopRequested.add(child.pid);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child.pid, 'SIGKILL');
      }
    }
  }
}
