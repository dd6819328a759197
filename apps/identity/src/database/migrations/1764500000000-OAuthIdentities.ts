import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth identities live in user_providers (provider, provider_account_id = the provider's subject),
 * which already lists a user's sign-in methods: each now also records the address the provider
 * gave and whether the provider said it verified it, as of the last sign-in.
 */
export class OAuthIdentities1764500000000 implements MigrationInterface {
  name = 'OAuthIdentities1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "identity"."user_providers"
      ADD COLUMN "email" text,
      ADD COLUMN "email_verified" boolean NOT NULL DEFAULT false,
      ADD COLUMN "updated_at" timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "identity"."user_providers" DROP COLUMN "updated_at", DROP COLUMN "email_verified", DROP COLUMN "email"`);
  }
}
