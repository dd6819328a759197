import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: security events, append-only. Nothing may change a row once written: the runtime
 * role gets no UPDATE (here and in scripts/provision-db.sql), and a trigger refuses UPDATE and
 * TRUNCATE from every role, the owner included, and DELETE of rows younger than a day, so even a
 * stolen app credential cannot rewrite or erase the recent record. The retention's batches delete
 * only older rows. No foreign keys: the record outlives the users and sessions it names.
 */
export class IdentityAuditEvents1764410000000 implements MigrationInterface {
  name = 'IdentityAuditEvents1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity"."audit_events" (
      "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      "occurred_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
      "type" text NOT NULL CHECK ("type" ~ '^[a-z_]+(\\.[a-z_]+)+$' AND length("type") <= 64),
      "actor_type" text NOT NULL CHECK ("actor_type" IN ('user', 'admin', 'api_key', 'anonymous', 'system')),
      "actor_id" text CHECK (length("actor_id") <= 128),
      "target_user_id" uuid,
      "target_id" text CHECK (length("target_id") <= 256),
      "ip" text CHECK (length("ip") <= 64),
      "user_agent" text CHECK (length("user_agent") <= 512),
      "request_id" text CHECK (length("request_id") <= 128),
      "details" jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof("details") = 'object' AND octet_length("details"::text) <= 8192)
    )`);
    // Keyset pages run newest first by id; each filter has an index that ends in id.
    await q.query(`CREATE INDEX "audit_events_occurred_idx" ON "identity"."audit_events" ("occurred_at")`);
    await q.query(`CREATE INDEX "audit_events_type_idx" ON "identity"."audit_events" ("type", "id")`);
    await q.query(`CREATE INDEX "audit_events_actor_idx" ON "identity"."audit_events" ("actor_id", "id") WHERE "actor_id" IS NOT NULL`);
    await q.query(
      `CREATE INDEX "audit_events_target_user_idx" ON "identity"."audit_events" ("target_user_id", "id") WHERE "target_user_id" IS NOT NULL`,
    );
    await q.query(`CREATE FUNCTION "identity"."audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.occurred_at > now() - interval '1 day' THEN
            RAISE EXCEPTION 'audit_events is append-only: rows younger than a day cannot be deleted';
          END IF;
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
      END $$`);
    await q.query(`CREATE TRIGGER "audit_events_no_change" BEFORE UPDATE OR TRUNCATE ON "identity"."audit_events"
      FOR EACH STATEMENT EXECUTE FUNCTION "identity"."audit_events_append_only"()`);
    await q.query(`CREATE TRIGGER "audit_events_delete_floor" BEFORE DELETE ON "identity"."audit_events"
      FOR EACH ROW EXECUTE FUNCTION "identity"."audit_events_append_only"()`);
    // The default privileges give the runtime role UPDATE on every new table; not on this one.
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'identity_app') THEN
        REVOKE UPDATE, TRUNCATE ON "identity"."audit_events" FROM identity_app;
      END IF;
    END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "identity"."audit_events"`);
    await q.query(`DROP FUNCTION IF EXISTS "identity"."audit_events_append_only"()`);
  }
}
