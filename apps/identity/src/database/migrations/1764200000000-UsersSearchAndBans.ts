import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin users list and bans:
 * - trigram indexes so that `GET /api/auth/users?search=` (a case-insensitive substring of the
 *   email or the profile name) stays an index scan on 100,000 users and more;
 * - newest-first order without a sort of the whole table;
 * - `banned_at`: a banned user gets no new session (checked where every session starts).
 *
 * pg_trgm is created by scripts/provision-db.sql as the database owner (the migrator may not
 * create extensions); where it is missing, this tries to create it (a superuser or the database
 * owner running migrations), and fails with what to do otherwise.
 */
export class UsersSearchAndBans1764200000000 implements MigrationInterface {
  name = 'UsersSearchAndBans1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const schema = await trigramSchema(q);
    const ops = `"${schema.replace(/"/g, '""')}".gin_trgm_ops`;
    await q.query(`ALTER TABLE "identity"."users" ADD COLUMN "banned_at" timestamptz`);
    await q.query(`CREATE INDEX "users_email_trgm" ON "identity"."users" USING gin ("email" ${ops})`);
    await q.query(`CREATE INDEX "users_profile_name_trgm" ON "identity"."users" USING gin (("profile" ->> 'name') ${ops})`);
    await q.query(`CREATE INDEX "users_created_idx" ON "identity"."users" ("created_at" DESC, "id" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "identity"."users_created_idx"`);
    await q.query(`DROP INDEX IF EXISTS "identity"."users_profile_name_trgm"`);
    await q.query(`DROP INDEX IF EXISTS "identity"."users_email_trgm"`);
    await q.query(`ALTER TABLE "identity"."users" DROP COLUMN IF EXISTS "banned_at"`);
  }
}

/** The schema pg_trgm lives in (wherever an operator installed it), creating it when allowed. */
async function trigramSchema(q: QueryRunner): Promise<string> {
  const find = async (): Promise<string | undefined> => {
    const rows: { schema: string }[] = await q.query(
      `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
    );
    return rows[0]?.schema;
  };
  const found = await find();
  if (found) return found;
  try {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
  } catch (err) {
    throw new Error(
      `the pg_trgm extension is missing and this role may not create it (${(err as Error).message}): ` +
        'run scripts/provision-db.sql as the database owner, or CREATE EXTENSION pg_trgm as a superuser',
      { cause: err },
    );
  }
  return (await find()) ?? 'public';
}
