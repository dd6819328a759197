import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../harness/env.js';
import { alive, waitFor } from '../harness/stack.js';

/**
 * `npm run up` runs each process under scripts/supervise.sh: a process that exits is restarted
 * with backoff and a loud line, instead of the whole platform stopping; SIGTERM stops it for good.
 */
describe('faults: npm run up keeps a process that exits running', () => {
  it('restarts a crashing process with a loud line and growing delays, and stops it on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervise-'));
    const pids = join(dir, 'pids');
    // Crashes twice (exit 3), then stays up, recording each start's pid.
    const app = `echo $$ >> ${pids}; n=$(wc -l < ${pids}); echo "start $n"; if [ "$n" -lt 3 ]; then exit 3; fi; exec sleep 600`;
    const sup = spawn('bash', ['scripts/supervise.sh', 'flaky', 'bash', '-c', app], {
      cwd: ROOT,
      env: { ...process.env, LOGS: dir, SUPERVISE_MAX_BACKOFF: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    sup.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    sup.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      await waitFor(() => stdout.includes('[flaky] start 3'), 60_000, 'the third start');
      expect(stderr).toContain('!!!!! flaky EXITED (code 3); restarting in 1s !!!!!');
      expect(stderr).toContain('!!!!! flaky EXITED (code 3); restarting in 2s !!!!!');
      expect(readFileSync(join(dir, 'flaky.log'), 'utf8')).toMatch(/start 1[\s\S]*EXITED[\s\S]*start 3/);
      const last = Number(readFileSync(pids, 'utf8').trim().split('\n').at(-1));
      expect(alive(last)).toBe(true);

      const exited = new Promise<number | null>((r) => sup.once('exit', (code) => r(code)));
      sup.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitFor(() => !alive(last), 10_000, 'the supervised process to stop');
      expect(stderr.match(/EXITED/g)).toHaveLength(2); // stopping on purpose is not a crash
    } finally {
      if (sup.exitCode === null) sup.kill('SIGKILL');
    }
  });
});
