import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { DB_NAME, DB_ROLES, E2E_API_KEY, ROOT, stackEnv } from './env.ts';
import { Client } from 'pg';
import { redis, start, stopAll } from './stack.ts';

/**
 * Brings up the e2e stack once for the whole run: PostgreSQL and Redis ensured by the same script
 * `npm run up` uses, fresh schemas with least-privilege roles, each app's migrations run as their own step, then
 * the mail sink, identity, profiles, mailer and the gateway as separate processes.
 */
export default async function globalSetup(): Promise<void> {
  if (!/_test$/.test(DB_NAME)) throw new Error(`refusing to run e2e tests against database "${DB_NAME}": its name must end in _test`);
  const env = { ...process.env, ...stackEnv() };
  const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync(cmd, args, { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });

  // The services the stack needs, on their usual ports (the test Redis is separate, below).
  run('bash', ['scripts/ensure-services.sh'], { REDIS_PORT: process.env.REDIS_PORT ?? '6379', ENSURE_REDIS_BINARY: '1' });
  // Debian's chromium for test/browser (installed here, outside any test's timeout, when missing)
  execFileSync('bash', ['scripts/ensure-chromium.sh'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const app of ['identity', 'profiles', 'mailer']) run(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build', app]);

  await stopAll();
  redis.stop();
  redis.start();
  await redis.waitUp();

  // Fresh schemas owned by their migrators, then each app's migrations as that owner.
  run('bash', ['scripts/provision-db.sh', '--reset']);
  run(process.execPath, ['dist/apps/identity/main.js', 'migrate'], DB_ROLES.identityMigrator);
  run(process.execPath, ['dist/apps/profiles/main.js', 'migrate'], DB_ROLES.profilesMigrator);
  // The tests' API key (harness/env.ts E2E_API_KEY): only its SHA-256 is stored, as identity stores keys.
  const db = new Client({ host: env.DB_HOST, port: Number(env.DB_PORT), user: env.DB_USER, password: env.DB_PASSWORD, database: DB_NAME });
  await db.connect();
  try {
    await db.query(`INSERT INTO identity.api_keys (key_hash, hint, expires_at) VALUES ($1, 'ik_e2e…', '9999-12-31T00:00:00Z')`, [
      createHash('sha256').update(E2E_API_KEY).digest(),
    ]);
  } finally {
    await db.end();
  }

  await start('sink');
  await Promise.all([start('identity'), start('mailer')]);
  await start('profiles'); // reads identity's JWKS
  await start('gateway');
}
