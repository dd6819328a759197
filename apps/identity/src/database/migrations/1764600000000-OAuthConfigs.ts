import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth provider settings edited through the admin API: the built-in providers (one row each) and
 * custom OIDC providers found by discovery. Client secrets are sealed (AES-256-GCM, see
 * core/common/secret-box.ts) in the row itself, bound to the row's provider or key.
 */
export class OAuthConfigs1764600000000 implements MigrationInterface {
  name = 'OAuthConfigs1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity"."oauth_configs" (
      "id" uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      "provider" text PRIMARY KEY CHECK ("provider" IN
        ('google', 'github', 'discord', 'linkedin', 'facebook', 'instagram', 'tiktok', 'apple', 'x', 'spotify', 'microsoft')),
      "client_id" text,
      "client_secret" jsonb,
      "scopes" text[],
      "redirect_uri" text,
      "use_shared_key" boolean NOT NULL DEFAULT false,
      "native_client_ids" text[] NOT NULL DEFAULT '{}' CHECK (cardinality("native_client_ids") <= 20),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE "identity"."custom_oauth_configs" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "key" text NOT NULL UNIQUE CHECK ("key" ~ '^[a-z0-9_-]{1,64}$'),
      "name" text NOT NULL,
      "discovery_endpoint" text NOT NULL,
      "client_id" text NOT NULL,
      "client_secret" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "identity"."custom_oauth_configs"`);
    await q.query(`DROP TABLE IF EXISTS "identity"."oauth_configs"`);
  }
}
