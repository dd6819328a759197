import { spawnSync } from 'node:child_process';
import { ROOT } from '../harness/env.js';

/** Each app validates its own environment at boot and prints every problem at once. */
describe.each([
  ['identity', { IDENTITY_PORT: 'abc', COOKIE_SAMESITE: 'sometimes', ANON_KEY: 'anon_short', DB_PORT: '-1' }],
  ['profiles', { PROFILES_PORT: '70000', JWKS_URL: 'not a url', LOG_LEVEL: 'loud' }],
  ['mailer', { MAILER_CONCURRENCY: '0', SMTP_SECURE: 'maybe', REDIS_PORT: 'x' }],
  ['identity', { NODE_ENV: 'production', AUTH_HMAC_SECRET: 'dev-only-change-me-dev-only-change-me' }],
])('%s with a bad environment', (app, bad) => {
  it('exits non-zero and names every bad variable', () => {
    const r = spawnSync(process.execPath, [`dist/apps/${app}/main.js`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...bad },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(78);
    const named = Object.keys(bad).filter((k) => k !== 'NODE_ENV');
    expect(r.stderr).toContain(`${app}: invalid configuration (${named.length} problem${named.length > 1 ? 's' : ''})`);
    for (const name of named) expect(r.stderr).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });
});
