import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '@app/core';

/** identity's schema: accounts, credentials, sessions, tokens, one-time codes, config, keys. */
export class IdentityInitial1763800000000 implements MigrationInterface {
  name = 'IdentityInitial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity"."users" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "email" text NOT NULL,
      "username" text,
      "password_hash" text,
      "email_verified" boolean NOT NULL DEFAULT false,
      "profile" jsonb NOT NULL DEFAULT '{}',
      "profile_version" bigint NOT NULL DEFAULT 0,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "users_email_lower" CHECK ("email" = lower(btrim("email"))),
      CONSTRAINT "users_username_format" CHECK ("username" ~ '^[a-z0-9_.-]{3,32}$')
    )`);
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "identity"."users" ("email")`);
    await q.query(`CREATE UNIQUE INDEX "users_username_key" ON "identity"."users" ("username") WHERE "username" IS NOT NULL`);

    await q.query(`CREATE TABLE "identity"."user_providers" (
      "user_id" uuid NOT NULL REFERENCES "identity"."users" ("id") ON DELETE CASCADE,
      "provider" text NOT NULL,
      "provider_account_id" text NOT NULL,
      "provider_data" jsonb NOT NULL DEFAULT '{}',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("provider", "provider_account_id")
    )`);
    await q.query(`CREATE INDEX "user_providers_user_idx" ON "identity"."user_providers" ("user_id")`);

    await q.query(`CREATE TABLE "identity"."sessions" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "user_id" uuid NOT NULL REFERENCES "identity"."users" ("id") ON DELETE CASCADE,
      "api" text NOT NULL CHECK ("api" IN ('insforge', 'gorb')),
      "client_type" text NOT NULL,
      "device_name" text,
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
    await q.query(`CREATE INDEX "sessions_user_idx" ON "identity"."sessions" ("user_id") WHERE "revoked_at" IS NULL`);

    // Refresh tokens: only SHA-256 hashes. A rotated token keeps its successor encrypted under a
    // key derived from the rotated token itself, so a replay inside the grace window can be given
    // the same successor without the database ever holding a usable token.
    await q.query(`CREATE TABLE "identity"."refresh_tokens" (
      "token_hash" bytea PRIMARY KEY,
      "session_id" uuid NOT NULL REFERENCES "identity"."sessions" ("id") ON DELETE CASCADE,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "rotated_at" timestamptz,
      "successor_sealed" bytea
    )`);
    await q.query(`CREATE INDEX "refresh_tokens_session_idx" ON "identity"."refresh_tokens" ("session_id")`);

    // Opaque access tokens of the Gorb API (hashed, checked on every request).
    await q.query(`CREATE TABLE "identity"."opaque_access_tokens" (
      "token_hash" bytea PRIMARY KEY,
      "session_id" uuid NOT NULL REFERENCES "identity"."sessions" ("id") ON DELETE CASCADE,
      "expires_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX "opaque_access_tokens_session_idx" ON "identity"."opaque_access_tokens" ("session_id")`);

    // One-time codes (6 digits, keyed HMAC) and link/reset tokens (SHA-256).
    await q.query(`CREATE TABLE "identity"."one_time_codes" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "email" text NOT NULL,
      "purpose" text NOT NULL CHECK ("purpose" IN ('verify_email', 'reset_password', 'sign_in')),
      "kind" text NOT NULL CHECK ("kind" IN ('code', 'token')),
      "secret_hash" bytea NOT NULL,
      "redirect_to" text,
      "attempts" integer NOT NULL DEFAULT 0,
      "expires_at" timestamptz NOT NULL,
      "consumed_at" timestamptz,
      "created_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "one_time_codes_live_code" ON "identity"."one_time_codes" ("email", "purpose") WHERE "kind" = 'code'`,
    );
    await q.query(`CREATE UNIQUE INDEX "one_time_codes_token" ON "identity"."one_time_codes" ("secret_hash") WHERE "kind" = 'token'`);

    await q.query(`CREATE TABLE "identity"."auth_config" (
      "id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
      "require_email_verification" boolean NOT NULL DEFAULT false,
      "password_min_length" integer NOT NULL DEFAULT 8 CHECK ("password_min_length" BETWEEN 4 AND 128),
      "require_number" boolean NOT NULL DEFAULT false,
      "require_lowercase" boolean NOT NULL DEFAULT false,
      "require_uppercase" boolean NOT NULL DEFAULT false,
      "require_special_char" boolean NOT NULL DEFAULT false,
      "verify_email_method" text NOT NULL DEFAULT 'code' CHECK ("verify_email_method" IN ('code', 'link')),
      "reset_password_method" text NOT NULL DEFAULT 'code' CHECK ("reset_password_method" IN ('code', 'link')),
      "allowed_redirect_urls" text[] NOT NULL DEFAULT '{}',
      "disable_signup" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO "identity"."auth_config" ("id") VALUES (1)`);

    await q.query(`CREATE TABLE "identity"."signing_keys" (
      "kid" text PRIMARY KEY,
      "alg" text NOT NULL,
      "public_jwk" jsonb NOT NULL,
      "private_jwk" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "retired_at" timestamptz
    )`);

    for (const sql of outboxTableSql('identity')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'signing_keys',
      'auth_config',
      'one_time_codes',
      'opaque_access_tokens',
      'refresh_tokens',
      'sessions',
      'user_providers',
      'users',
    ]) {
      await q.query(`DROP TABLE IF EXISTS "identity"."${t}"`);
    }
  }
}
