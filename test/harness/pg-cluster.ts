import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFileSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { DATA, DB_NAME, DB_ROLES, PORTS, ROOT, stackEnv } from './env.ts';
import { waitFor } from './stack.ts';

/**
 * A PostgreSQL cluster of the fault tests' own (as the harness runs its own Redis), so they can
 * restart it, fill its connection slots and stall it without touching the shared server. It lives
 * in .data (as root: see HOME), listens on 127.0.0.1 at PORTS.faultPg, and is provisioned exactly like the shared one:
 * scripts/provision-db.sh (database, least-privilege roles) then each app's `migrate` command.
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
 */
const asRoot = process.getuid?.() === 0;
/**
 * As root the cluster runs as `postgres`, which must reach its files: a checkout in a directory
 * only root may enter (`mktemp -d`, /root) would hide them. Then they live in a directory of this
 * checkout's own under the system's temporary directory instead of in .data.
 */
const HOME = asRoot ? join(tmpdir(), `auth-platform-pg-faults-${createHash('sha256').update(DATA).digest('hex').slice(0, 12)}`) : DATA;
const DIR = join(HOME, 'pg-faults');
const LOG = asRoot ? join(HOME, 'pg-faults.log') : join(DATA, 'logs', 'pg-faults.log');
/** The superuser's password inside this throwaway cluster, for control connections over TCP. */
const SUPERUSER_PASSWORD = 'faults-superuser';
export const FAULT_PG_MAX_CONNECTIONS = 40;

const bin = (tool: string): string => {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return join('/usr/lib/postgresql', versions.at(-1)!, 'bin', tool);
};
/** Runs a PostgreSQL server tool as the cluster's owner. */
function pgTool(tool: string, args: string[]): string {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin(tool), ...args]] : [bin(tool), args];
  return execFileSync(cmd, argv, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** The same, without blocking the event loop (load keeps flowing while the server restarts). */
async function pgToolAsync(tool: string, args: string[]): Promise<void> {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin(tool), ...args]] : [bin(tool), args];
  await promisify(execFile)(cmd, argv, { cwd: '/' });
}

export const faultPg = {
  port: PORTS.faultPg,

  /** The environment an app gets to use this cluster instead of the shared one. */
  appEnv(): Record<string, string> {
    return { DB_HOST: '127.0.0.1', DB_PORT: String(PORTS.faultPg), DB_NAME };
  },

  /** Creates the cluster once (kept in .data between runs) and starts it. */
  async start(): Promise<void> {
    if (!existsSync(join(DIR, 'PG_VERSION'))) {
      mkdirSync(DIR, { recursive: true });
      const pwfile = join(HOME, 'pg-faults.pw');
      writeFileSync(pwfile, SUPERUSER_PASSWORD + '\n', { mode: 0o600 });
      if (asRoot) {
        const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
        const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
        chownSync(DIR, uid, gid);
        chownSync(pwfile, uid, gid);
      }
      pgTool('initdb', ['-D', DIR, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8']);
      appendFileSync(
        join(DIR, 'postgresql.conf'),
        [
          `port = ${PORTS.faultPg}`,
          `listen_addresses = '127.0.0.1'`,
          // The socket sits next to the system cluster's (its name carries the port), where
          // provision-db.sh looks for it when it provisions roles as the postgres user.
          `unix_socket_directories = '/var/run/postgresql'`,
          `max_connections = ${FAULT_PG_MAX_CONNECTIONS}`,
          `shared_buffers = 16MB`,
          `fsync = off`, // a throwaway test cluster: speed over durability across power loss
          `synchronous_commit = off`,
          `full_page_writes = off`,
          '',
        ].join('\n'),
      );
    }
    if (!(await faultPg.answers())) {
      mkdirSync(dirname(LOG), { recursive: true });
      if (asRoot) chownLog();
      pgTool('pg_ctl', ['-D', DIR, '-l', LOG, '-w', '-t', '60', 'start']);
    }
    await waitFor(() => faultPg.answers(), 60_000, 'the fault PostgreSQL cluster');
  },

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (existsSync(join(DIR, 'postmaster.pid'))) pgTool('pg_ctl', ['-D', DIR, '-m', mode, '-w', 'stop']);
  },

  /** What a managed database does on a failover or minor upgrade: every connection dropped. */
  async restart(): Promise<void> {
    await pgToolAsync('pg_ctl', ['-D', DIR, '-l', LOG, '-m', 'fast', '-w', '-t', '60', 'restart']);
  },

  async answers(): Promise<boolean> {
    const c = faultPg.superuser();
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  },

  /** A control connection as the cluster's superuser (it may use the reserved slots). */
  superuser(database = 'postgres'): Client {
    const c = new Client({ host: '127.0.0.1', port: PORTS.faultPg, user: 'postgres', password: SUPERUSER_PASSWORD, database });
    c.on('error', () => undefined); // connections the tests kill on purpose
    return c;
  },

  /** A connection as the platform's role, like the apps'. */
  appRole(): Client {
    const env = stackEnv();
    const c = new Client({ host: '127.0.0.1', port: PORTS.faultPg, user: env.DB_USER, password: env.DB_PASSWORD, database: DB_NAME });
    c.on('error', () => undefined);
    return c;
  },

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = [], database = DB_NAME): Promise<T[]> {
    const c = faultPg.superuser(database);
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  },

  /**
   * A fresh test database on this cluster, provisioned by the same steps as the shared one:
   * roles and database by scripts/ensure-services.sh, schemas by each app's migrate command.
   */
  async provision(): Promise<void> {
    if (!/_test$/.test(DB_NAME)) throw new Error(`refusing to provision database "${DB_NAME}": its name must end in _test`);
    await faultPg.sql(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`, [], 'postgres');
    const env = { ...process.env, ...stackEnv(), ...faultPg.appEnv() };
    const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
      execFileSync(cmd, args, { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
    run('bash', ['scripts/provision-db.sh', '--reset']);
    run(process.execPath, ['dist/apps/identity/main.js', 'migrate'], DB_ROLES.identityMigrator);
    run(process.execPath, ['dist/apps/profiles/main.js', 'migrate'], DB_ROLES.profilesMigrator);
  },

  /** Ends every backend the apps hold (by application_name), as a failover or a pooler restart does. */
  async terminateAppBackends(): Promise<number> {
    const rows = await faultPg.sql<{ n: string }>(
      `SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name IN ('identity', 'profiles') AND pid <> pg_backend_pid()`,
      [DB_NAME],
    );
    return Number(rows[0]?.n ?? 0);
  },
};

function chownLog(): void {
  if (!existsSync(LOG)) writeFileSync(LOG, '');
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  chownSync(LOG, uid, 0);
}
