import { execFileSync } from 'node:child_process';
import { DB_NAME, ROOT, stackEnv } from './env.ts';
import { redis, start, stopAll } from './stack.ts';

/**
 * Brings up the e2e stack once for the whole run: PostgreSQL and Redis ensured by the same script
 * `npm run up` uses, a fresh `*_test` database, each app's migrations run as their own step, then
 * the mail sink, identity, profiles, mailer and the gateway as separate processes.
 */
export default async function globalSetup(): Promise<void> {
  if (!/_test$/.test(DB_NAME)) throw new Error(`refusing to run e2e tests against database "${DB_NAME}": its name must end in _test`);
  const env = { ...process.env, ...stackEnv() };
  const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync(cmd, args, { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });

  // The services the stack needs, on their usual ports (the test Redis is separate, below).
  run('bash', ['scripts/ensure-services.sh'], { REDIS_PORT: process.env.REDIS_PORT ?? '6379', ENSURE_REDIS_BINARY: '1' });
  for (const app of ['identity', 'profiles', 'mailer']) run(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build', app]);

  await stopAll();
  redis.stop();
  redis.start();
  await redis.waitUp();

  const psql = (sql: string) =>
    execFileSync('psql', ['-h', env.DB_HOST!, '-p', env.DB_PORT!, '-U', env.DB_USER!, '-d', DB_NAME, '-v', 'ON_ERROR_STOP=1', '-qc', sql], {
      env: { ...env, PGPASSWORD: env.DB_PASSWORD },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  psql('DROP SCHEMA IF EXISTS identity CASCADE; DROP SCHEMA IF EXISTS profiles CASCADE;');
  run(process.execPath, ['dist/apps/identity/main.js', 'migrate']);
  run(process.execPath, ['dist/apps/profiles/main.js', 'migrate']);

  await start('sink');
  await Promise.all([start('identity'), start('mailer')]);
  await start('profiles'); // reads identity's JWKS
  await start('gateway');
}
