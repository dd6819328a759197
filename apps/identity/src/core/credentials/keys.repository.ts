import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';

export interface ApiKeyRow {
  id: string;
  hint: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface AnonKeyRow {
  id: string;
  key: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** API keys (hashes) and anon keys. The active key of each kind is the one without an expiry. */
@Injectable()
export class KeysRepository {
  constructor(readonly sql: Sql) {}

  /**
   * Serialises rotations of one kind of key (two at once would both see the same active key, or
   * none, and the second insert would break the one-active-key index).
   */
  async lockRotation(q: Tx, kind: 'api_key' | 'anon_key'): Promise<void> {
    await q.query('key-rotation-lock', `SELECT pg_advisory_xact_lock(hashtext('identity.' || $1))`, [kind]);
  }

  /** The key with this hash, if it is active or still inside its grace period. */
  async findUsableApiKey(keyHash: Buffer): Promise<ApiKeyRow | null> {
    const rows = await this.sql.query<ApiKeyRow>(
      'api-key-find',
      `SELECT id, hint, created_at AS "createdAt", expires_at AS "expiresAt" FROM identity.api_keys
       WHERE key_hash = $1 AND (expires_at IS NULL OR expires_at > now())`,
      [keyHash],
    );
    return rows[0] ?? null;
  }

  async activeApiKey(q: Queryable = this.sql): Promise<ApiKeyRow | null> {
    const rows = await q.query<ApiKeyRow>(
      'api-key-active',
      `SELECT id, hint, created_at AS "createdAt", expires_at AS "expiresAt" FROM identity.api_keys WHERE expires_at IS NULL`,
    );
    return rows[0] ?? null;
  }

  /** Keys rotated out but still accepted. */
  async apiKeysInGrace(): Promise<ApiKeyRow[]> {
    return this.sql.query<ApiKeyRow>(
      'api-key-grace',
      `SELECT id, hint, created_at AS "createdAt", expires_at AS "expiresAt" FROM identity.api_keys
       WHERE expires_at > now() ORDER BY expires_at DESC`,
    );
  }

  async insertApiKey(q: Tx, keyHash: Buffer, hint: string): Promise<ApiKeyRow> {
    const [row] = await q.query<ApiKeyRow>(
      'api-key-insert',
      `INSERT INTO identity.api_keys (key_hash, hint) VALUES ($1, $2)
       RETURNING id, hint, created_at AS "createdAt", expires_at AS "expiresAt"`,
      [keyHash, hint],
    );
    return row!;
  }

  async expireApiKey(q: Tx, id: string, expiresAt: Date): Promise<void> {
    await q.query('api-key-expire', `UPDATE identity.api_keys SET expires_at = $2 WHERE id = $1`, [id, expiresAt]);
  }

  /** Anon keys that are accepted now: the active one and those in their grace period. */
  async usableAnonKeys(): Promise<AnonKeyRow[]> {
    return this.sql.query<AnonKeyRow>(
      'anon-key-usable',
      `SELECT id, key, created_at AS "createdAt", expires_at AS "expiresAt" FROM identity.anon_keys
       WHERE expires_at IS NULL OR expires_at > now() ORDER BY expires_at DESC NULLS FIRST`,
    );
  }

  async activeAnonKey(q: Queryable = this.sql): Promise<AnonKeyRow | null> {
    const rows = await q.query<AnonKeyRow>(
      'anon-key-active',
      `SELECT id, key, created_at AS "createdAt", expires_at AS "expiresAt" FROM identity.anon_keys WHERE expires_at IS NULL`,
    );
    return rows[0] ?? null;
  }

  async insertAnonKey(q: Tx, key: string): Promise<AnonKeyRow> {
    const [row] = await q.query<AnonKeyRow>(
      'anon-key-insert',
      `INSERT INTO identity.anon_keys (key) VALUES ($1) RETURNING id, key, created_at AS "createdAt", expires_at AS "expiresAt"`,
      [key],
    );
    return row!;
  }

  /** Stores ANON_KEY from the configuration only while no anon key was ever stored. */
  async seedAnonKey(key: string): Promise<boolean> {
    const rows = await this.sql.query(
      'anon-key-seed',
      `INSERT INTO identity.anon_keys (key) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM identity.anon_keys)
       ON CONFLICT DO NOTHING RETURNING id`,
      [key],
    );
    return rows.length > 0;
  }

  async expireAnonKey(q: Tx, id: string, expiresAt: Date): Promise<void> {
    await q.query('anon-key-expire', `UPDATE identity.anon_keys SET expires_at = $2 WHERE id = $1`, [id, expiresAt]);
  }
}
