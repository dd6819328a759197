import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';
import type { SealedJwk } from './key-sealing.js';

@Entity({ schema: 'identity', name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('text') kid: string;
  @Column('text') alg: string;
  @Column('jsonb', { name: 'public_jwk' }) publicJwk: JWK;
  /** sealed (AES-256-GCM under a key derived from AUTH_HMAC_SECRET), never the clear JWK */
  @Column('jsonb', { name: 'private_jwk' }) privateJwk: SealedJwk;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt: Date | null;
}
