import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { DB_NAME, DB_ROLES, ROOT, stackEnv } from '../harness/env.js';

/**
 * Least privilege for data (scripts/provision-db.sql), against the e2e database the harness
 * provisioned and migrated: each app's runtime role reaches only its own schema and cannot change
 * it; the migrators own the schemas. A leaked profiles credential must not reveal password hashes
 * or signing keys.
 */
type Role = { DB_USER: string; DB_PASSWORD: string };

async function as<T = Record<string, unknown>>(role: Role, text: string): Promise<T[]> {
  const env = stackEnv();
  const client = new Client({
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: role.DB_USER,
    password: role.DB_PASSWORD,
    database: DB_NAME,
  });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or 'ok'. 42501 = insufficient_privilege. */
async function outcome(role: Role, text: string): Promise<string> {
  return as(role, text).then(
    () => 'ok',
    (error: { code?: string; message: string }) => error.code ?? error.message,
  );
}

describe('database roles: each app reaches only its own schema', () => {
  it.each([
    ['SELECT password_hash FROM identity.users LIMIT 1'],
    ['SELECT private_jwk FROM identity.signing_keys LIMIT 1'],
    ['SELECT * FROM identity.sessions LIMIT 1'],
    ['UPDATE identity.users SET email = email'],
    ['DELETE FROM identity.refresh_tokens'],
  ])('profiles_app is refused: %s', async (statement) => {
    expect(await outcome(DB_ROLES.profiles, statement)).toBe('42501');
  });

  it.each([['SELECT * FROM profiles.profiles LIMIT 1'], ['DELETE FROM profiles.profiles']])(
    'identity_app is refused: %s',
    async (statement) => {
      expect(await outcome(DB_ROLES.identity, statement)).toBe('42501');
    },
  );

  it('each runtime role can read and write its own tables (the refusals above are not a broken login)', async () => {
    expect(await outcome(DB_ROLES.identity, 'SELECT count(*) FROM identity.users')).toBe('ok');
    expect(await outcome(DB_ROLES.identity, 'UPDATE identity.auth_config SET updated_at = updated_at')).toBe('ok');
    expect(await outcome(DB_ROLES.profiles, 'SELECT count(*) FROM profiles.profiles')).toBe('ok');
  });

  it.each([
    ['identity', 'CREATE TABLE identity.intruder (id int)'],
    ['identity', 'DROP TABLE identity.users'],
    ['identity', 'ALTER TABLE identity.users ADD COLUMN intruder int'],
    ['identity', 'CREATE SCHEMA intruder'],
    ['identity', 'CREATE TABLE public.intruder (id int)'],
    ['profiles', 'DROP TABLE profiles.profiles'],
    ['profiles', 'CREATE SCHEMA intruder'],
  ] as const)('the %s runtime role cannot change schemas: %s', async (app, statement) => {
    expect(await outcome(DB_ROLES[app], statement)).toBe('42501');
  });

  it('the migrators own their schema and nothing of the other app', async () => {
    const owners = await as<{ nspname: string; owner: string }>(
      DB_ROLES.identityMigrator,
      "SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname IN ('identity', 'profiles') ORDER BY 1",
    );
    expect(owners).toEqual([
      { nspname: 'identity', owner: 'identity_migrator' },
      { nspname: 'profiles', owner: 'profiles_migrator' },
    ]);
    expect(await outcome(DB_ROLES.identityMigrator, 'SELECT * FROM profiles.profiles LIMIT 1')).toBe('42501');
    expect(await outcome(DB_ROLES.profilesMigrator, 'SELECT password_hash FROM identity.users LIMIT 1')).toBe('42501');
  });

  it('no platform role is a superuser or may create roles or databases', async () => {
    const roles = await as<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      DB_ROLES.identity,
      "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname ~ '^(identity|profiles)_(app|migrator)$' ORDER BY 1",
    );
    expect(roles.map((r) => r.rolname)).toEqual(['identity_app', 'identity_migrator', 'profiles_app', 'profiles_migrator']);
    expect(roles.filter((r) => r.rolsuper || r.rolcreaterole || r.rolcreatedb)).toEqual([]);
  });

  it('provisioning again is harmless: the grants survive a second run', async () => {
    execFileSync('bash', ['scripts/provision-db.sh'], { cwd: ROOT, env: { ...process.env, ...stackEnv() }, stdio: 'ignore' });
    expect(await outcome(DB_ROLES.identity, 'SELECT count(*) FROM identity.users')).toBe('ok');
    expect(await outcome(DB_ROLES.profiles, 'SELECT password_hash FROM identity.users LIMIT 1')).toBe('42501');
    // The audit log's exception is restated too: the runtime role still cannot change an event.
    expect(await outcome(DB_ROLES.identity, 'UPDATE identity.audit_events SET details = details')).toBe('42501');
  });
});

describe('database roles: the audit log is append-only', () => {
  const event = (age: string) =>
    `INSERT INTO identity.audit_events (type, actor_type, occurred_at, details) VALUES ('user.created', 'system', now() - interval '${age}', '{"probe": true}')`;

  it('identity_app adds and reads events but cannot change them (no UPDATE grant)', async () => {
    expect(await outcome(DB_ROLES.identity, event('0 s'))).toBe('ok');
    expect(await outcome(DB_ROLES.identity, 'SELECT count(*) FROM identity.audit_events')).toBe('ok');
    expect(await outcome(DB_ROLES.identity, 'UPDATE identity.audit_events SET details = details')).toBe('42501');
    expect(await outcome(DB_ROLES.identity, "UPDATE identity.audit_events SET actor_type = 'system' WHERE false")).toBe('42501');
    expect(await outcome(DB_ROLES.identity, 'TRUNCATE identity.audit_events')).toBe('42501');
  });

  it('even the owner cannot update or truncate, and nobody deletes an event younger than a day (trigger)', async () => {
    await as(DB_ROLES.identityMigrator, event('0 s'));
    // P0001: raised by the table's trigger, after the grants allowed the statement.
    expect(await outcome(DB_ROLES.identityMigrator, 'UPDATE identity.audit_events SET details = details')).toBe('P0001');
    expect(await outcome(DB_ROLES.identityMigrator, 'TRUNCATE identity.audit_events')).toBe('P0001');
    expect(await outcome(DB_ROLES.identityMigrator, 'DELETE FROM identity.audit_events')).toBe('P0001');
    expect(await outcome(DB_ROLES.identity, "DELETE FROM identity.audit_events WHERE occurred_at > now() - interval '1 hour'")).toBe(
      'P0001',
    );
    const [{ n }] = await as<{ n: number }>(
      DB_ROLES.identity,
      "SELECT count(*)::int AS n FROM identity.audit_events WHERE details->>'probe' = 'true'",
    );
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('identity_app may delete events older than a day (the retention), and only those', async () => {
    await as(DB_ROLES.identity, event('2 days'));
    expect(await outcome(DB_ROLES.identity, "DELETE FROM identity.audit_events WHERE occurred_at < now() - interval '1 day'")).toBe('ok');
    const [{ n }] = await as<{ n: number }>(
      DB_ROLES.identity,
      "SELECT count(*)::int AS n FROM identity.audit_events WHERE occurred_at < now() - interval '1 day'",
    );
    expect(n).toBe(0);
  });
});
