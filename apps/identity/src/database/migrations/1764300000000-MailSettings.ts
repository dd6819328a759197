import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin-editable mail settings (InsForge's `email.config` and `email.templates`) and a public
 * uuid for the auth config row (InsForge answers `id` as a uuid). Singletons with seeded rows, so
 * an update never races an insert. A template row whose subject is NULL means "the built-in one".
 */
export class MailSettings1764300000000 implements MigrationInterface {
  name = 'MailSettings1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "identity"."auth_config" ADD COLUMN "uid" uuid NOT NULL DEFAULT gen_random_uuid()`);

    await q.query(`CREATE TABLE "identity"."smtp_config" (
      "id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
      "uid" uuid NOT NULL DEFAULT gen_random_uuid(),
      "enabled" boolean NOT NULL DEFAULT false,
      "host" text NOT NULL DEFAULT '',
      "port" integer NOT NULL DEFAULT 465 CHECK ("port" BETWEEN 1 AND 65535),
      "username" text NOT NULL DEFAULT '',
      "password_sealed" jsonb,
      "sender_email" text NOT NULL DEFAULT '',
      "sender_name" text NOT NULL DEFAULT '',
      "min_interval_seconds" integer NOT NULL DEFAULT 60 CHECK ("min_interval_seconds" >= 0),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO "identity"."smtp_config" ("id") VALUES (1)`);

    await q.query(`CREATE TABLE "identity"."email_templates" (
      "template_type" text PRIMARY KEY CHECK ("template_type" IN
        ('email-verification-code', 'email-verification-link', 'request-otp', 'reset-password-code', 'reset-password-link')),
      "uid" uuid NOT NULL DEFAULT gen_random_uuid(),
      "subject" text,
      "body_html" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "email_templates_both_or_neither" CHECK (("subject" IS NULL) = ("body_html" IS NULL))
    )`);
    await q.query(`INSERT INTO "identity"."email_templates" ("template_type") VALUES
      ('email-verification-code'), ('email-verification-link'), ('request-otp'), ('reset-password-code'), ('reset-password-link')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "identity"."email_templates"`);
    await q.query(`DROP TABLE "identity"."smtp_config"`);
    await q.query(`ALTER TABLE "identity"."auth_config" DROP COLUMN "uid"`);
  }
}
