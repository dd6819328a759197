import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '@app/core';

export class ProfilesInitial1763800000001 implements MigrationInterface {
  name = 'ProfilesInitial1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "profiles"."profiles" (
      "user_id" uuid PRIMARY KEY,
      "profile" jsonb NOT NULL DEFAULT '{}',
      "version" bigint NOT NULL DEFAULT 1,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now()
    )`);
    // Users deleted before their registration event arrived: never resurrect their profile.
    await q.query(`CREATE TABLE "profiles"."deleted_users" (
      "user_id" uuid PRIMARY KEY,
      "deleted_at" timestamptz NOT NULL DEFAULT now()
    )`);
    for (const sql of outboxTableSql('profiles')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'deleted_users', 'profiles']) await q.query(`DROP TABLE IF EXISTS "profiles"."${t}"`);
  }
}
