import { spawnSync } from 'node:child_process';
import { ROOT } from '../harness/env.js';

const OWN_ANON_KEY = 'anon_' + 'c3'.repeat(32);

/** Each app validates its own environment at boot and prints every problem at once. */
describe.each([
  ['identity', { NODE_ENV: 'development', IDENTITY_PORT: 'abc', COOKIE_SAMESITE: 'sometimes', ANON_KEY: 'anon_short', DB_PORT: '-1' }],
  ['profiles', { NODE_ENV: 'development', PROFILES_PORT: '70000', JWKS_URL: 'not a url', LOG_LEVEL: 'loud' }],
  ['mailer', { NODE_ENV: 'development', MAILER_CONCURRENCY: '0', SMTP_SECURE: 'maybe', REDIS_PORT: 'x' }],
  // branding lands in every mail: a colour that is not a colour, URLs that are not http(s), a sender without a domain
  [
    'mailer',
    {
      NODE_ENV: 'development',
      MAIL_FROM: 'nobody-at-all',
      MAIL_DOMAIN: 'not a domain!',
      MAIL_BRAND_COLOR: 'red;background:url(x)',
      MAIL_PRODUCT_URL: 'javascript:alert(1)',
      MAIL_LOGO_URL: 'ftp://logo.example/x.png',
      MAIL_PRODUCT_NAME: 'Acme\r\nBcc: victim@example.com',
    },
  ],
  ['identity', { NODE_ENV: 'development', COOKIE_PARTITIONED: 'perhaps', COOKIE_DOMAIN: 'evil.example; SameSite=None' }],
  // the admin password has a floor; the user name is one printable word
  ['identity', { NODE_ENV: 'development', ROOT_ADMIN_PASSWORD: 'short-pw', ROOT_ADMIN_USERNAME: 'two words' }],
])('%s with a bad environment', (app, bad) => {
  it('exits non-zero and names every bad variable, never printing a value', () => {
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
    for (const [name, value] of Object.entries(bad)) if (name !== 'NODE_ENV') expect(r.stderr).not.toContain(value);
  });
});

/**
 * Fail closed: every secret whose development value is published in this repository (the default
 * and .env.example) stops identity unless NODE_ENV explicitly says development or test, and
 * unset NODE_ENV counts as production. The log names the variable and never prints the value.
 */
describe('identity refuses development secrets outside development', () => {
  const DEV_SECRETS = {
    ANON_KEY: 'anon_' + '0'.repeat(64),
    AUTH_HMAC_SECRET: 'dev-only-change-me-dev-only-change-me',
    ROOT_ADMIN_PASSWORD: 'change-this-password',
    SMTP_SETTINGS_KEY: 'dev-only-smtp-settings-key-change-me',
  };
  const OWN = {
    ANON_KEY: OWN_ANON_KEY,
    AUTH_HMAC_SECRET: 'an-operator-chosen-secret-of-32-chars-or-more',
    ROOT_ADMIN_PASSWORD: 'an operator-chosen admin password',
    SMTP_SETTINGS_KEY: 'an-operator-chosen-smtp-settings-key-0123',
  };
  const boot = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['dist/apps/identity/main.js', 'migrate'], {
      cwd: ROOT,
      // An unreachable database: a start that got past its configuration would fail differently.
      env: { PATH: process.env.PATH, DB_HOST: '127.0.0.1', DB_PORT: '1', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  const cases = Object.keys(DEV_SECRETS).flatMap((name) =>
    [
      ['production', 'set to its development value'],
      ['production', 'left to its default'],
      ['unset', 'set to its development value'],
      ['unset', 'left to its default'],
    ].map(([nodeEnv, how]) => [name, nodeEnv, how] as const),
  );

  it.each(cases)('%s with NODE_ENV %s, %s: exit 78, the variable named, its value never printed', (name, nodeEnv, how) => {
    const secret = name as keyof typeof DEV_SECRETS;
    const env: Record<string, string> = { ...OWN };
    if (how === 'left to its default') delete env[secret];
    else env[secret] = DEV_SECRETS[secret];
    if (nodeEnv !== 'unset') env.NODE_ENV = nodeEnv;
    const r = boot(env);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('identity: invalid configuration (1 problem)');
    expect(r.stderr).toMatch(new RegExp(`^  - ${name}: is a published development value`, 'm'));
    expect(r.stderr + r.stdout).not.toContain(DEV_SECRETS[secret]);
  });

  it.each(['development', 'test'])('accepts them with NODE_ENV=%s (and goes on to the database)', (nodeEnv) => {
    const r = boot({ NODE_ENV: nodeEnv });
    expect(r.stderr).not.toContain('invalid configuration');
    expect(r.status).not.toBe(78);
  });

  it("accepts the operator's own secrets in production", () => {
    const r = boot({ ...OWN, NODE_ENV: 'production' });
    expect(r.stderr).not.toContain('invalid configuration');
    expect(r.status).not.toBe(78);
  });
});
