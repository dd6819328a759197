import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { Sql, type Tx } from '@app/core';
import type { SealedJwk } from './key-sealing.js';

/** A row of identity.signing_keys. */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  publicJwk: JWK;
  /** sealed (AES-256-GCM under a key derived from AUTH_HMAC_SECRET), never the clear JWK */
  privateJwk: SealedJwk;
  createdAt: Date;
  retiredAt: Date | null;
}

export type NewSigningKey = Pick<SigningKeyRow, 'kid' | 'alg' | 'publicJwk' | 'privateJwk'>;

@Injectable()
export class SigningKeysRepository {
  constructor(readonly sql: Sql) {}

  /** The keys not retired, newest first. */
  live(): Promise<SigningKeyRow[]> {
    return this.sql.query<SigningKeyRow>(
      'signing-keys-live',
      `SELECT kid, alg, public_jwk AS "publicJwk", private_jwk AS "privateJwk", created_at AS "createdAt", retired_at AS "retiredAt"
       FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC`,
    );
  }

  /** Serialises key creation across replicas until the transaction ends. */
  async lockCreation(tx: Tx): Promise<void> {
    await tx.query('', `SELECT pg_advisory_xact_lock(hashtext('identity:signing_keys'))`);
  }

  async insert(q: Tx | Sql, key: NewSigningKey): Promise<void> {
    await q.query('', `INSERT INTO identity.signing_keys (kid, alg, public_jwk, private_jwk) VALUES ($1, $2, $3, $4)`, [
      key.kid,
      key.alg,
      JSON.stringify(key.publicJwk),
      JSON.stringify(key.privateJwk),
    ]);
  }

  /** Retires a live key; false when there is none by that kid. */
  async retire(kid: string): Promise<boolean> {
    const rows = await this.sql.query(
      '',
      `UPDATE identity.signing_keys SET retired_at = now() WHERE kid = $1 AND retired_at IS NULL RETURNING kid`,
      [kid],
    );
    return rows.length > 0;
  }
}
