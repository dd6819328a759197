import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A profile a PATCH created before identity's `user.registered` arrived is "pending": it remembers
 * which keys its owner set or removed, so that the late event adds the sign-up fields only where
 * the owner has not written (no write lost in either order). Existing rows are registered.
 */
export class ProfilesPendingRegistration1764400000000 implements MigrationInterface {
  name = 'ProfilesPendingRegistration1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "profiles"."profiles"
      ADD COLUMN "registered" boolean NOT NULL DEFAULT true,
      ADD COLUMN "owner_keys" text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "profiles"."profiles" DROP COLUMN "owner_keys", DROP COLUMN "registered"`);
  }
}
