import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin credentials: API keys (hashes only), the anon key (public, rotatable), and the admin
 * dashboard's sessions with their refresh tokens. Admin sessions live apart from user sessions,
 * so a token of one kind is simply not found where the other kind is looked up.
 */
export class AdminCredentials1764100000000 implements MigrationInterface {
  name = 'AdminCredentials1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // API keys: SHA-256 of the 256-bit key, never the key. At most one key without an expiry (the
    // active one); a rotated-out key keeps working until its expires_at (the grace period).
    await q.query(`CREATE TABLE "identity"."api_keys" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "key_hash" bytea NOT NULL UNIQUE,
      "hint" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "expires_at" timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX "api_keys_one_active" ON "identity"."api_keys" ((true)) WHERE "expires_at" IS NULL`);

    // The anon key is a public identifier (it ships in every frontend), so it is kept as is and
    // served back to admins; same grace-period rotation as API keys.
    await q.query(`CREATE TABLE "identity"."anon_keys" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "key" text NOT NULL UNIQUE CHECK ("key" ~ '^anon_[0-9a-f]{64}$'),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "expires_at" timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX "anon_keys_one_active" ON "identity"."anon_keys" ((true)) WHERE "expires_at" IS NULL`);

    await q.query(`CREATE TABLE "identity"."admin_sessions" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "subject" text NOT NULL,
      "user_agent" text NOT NULL DEFAULT '',
      "ip" text NOT NULL DEFAULT '',
      "csrf_nonce" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "last_used_at" timestamptz NOT NULL DEFAULT now(),
      "idle_expires_at" timestamptz NOT NULL,
      "absolute_expires_at" timestamptz NOT NULL,
      "revoked_at" timestamptz,
      "revoked_reason" text
    )`);
    await q.query(`CREATE INDEX "admin_sessions_live_idx" ON "identity"."admin_sessions" ("subject") WHERE "revoked_at" IS NULL`);
    await q.query(`CREATE TABLE "identity"."admin_refresh_tokens" (
      "token_hash" bytea PRIMARY KEY,
      "session_id" uuid NOT NULL REFERENCES "identity"."admin_sessions" ("id") ON DELETE CASCADE,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "rotated_at" timestamptz,
      "successor_sealed" bytea
    )`);
    await q.query(`CREATE INDEX "admin_refresh_tokens_session_idx" ON "identity"."admin_refresh_tokens" ("session_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['admin_refresh_tokens', 'admin_sessions', 'anon_keys', 'api_keys']) {
      await q.query(`DROP TABLE IF EXISTS "identity"."${t}"`);
    }
  }
}
