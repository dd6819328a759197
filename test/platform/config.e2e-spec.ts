import { spawnSync } from 'node:child_process';
import { ROOT } from '../harness/env.js';

/** Each app validates its own environment at boot and prints every problem at once. */
describe.each([
  ['identity', { IDENTITY_PORT: 'abc', COOKIE_SAMESITE: 'sometimes', ANON_KEY: 'anon_short', DB_PORT: '-1' }],
  ['profiles', { PROFILES_PORT: '70000', JWKS_URL: 'not a url', LOG_LEVEL: 'loud' }],
  ['mailer', { MAILER_CONCURRENCY: '0', SMTP_SECURE: 'maybe', REDIS_PORT: 'x' }],
])('%s with a bad environment', (app, bad) => {
  it('exits non-zero and names every bad variable', () => {
    const r = spawnSync(process.execPath, [`dist/apps/${app}/main.js`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...bad },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(`${app}: invalid configuration (${Object.keys(bad).length} problems)`);
    for (const name of Object.keys(bad)) expect(r.stderr).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });
});
