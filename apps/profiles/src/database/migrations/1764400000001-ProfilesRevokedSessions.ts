import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions identity revoked for a security reason (account claim, password reset). Their access
 * tokens stay valid JWTs until they expire, so profiles refuses their writes until then.
 */
export class ProfilesRevokedSessions1764400000001 implements MigrationInterface {
  name = 'ProfilesRevokedSessions1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "profiles"."revoked_sessions" (
      "session_id" uuid PRIMARY KEY,
      "user_id" uuid NOT NULL,
      "expires_at" timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX "revoked_sessions_expires_idx" ON "profiles"."revoked_sessions" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "profiles"."revoked_sessions"`);
  }
}
