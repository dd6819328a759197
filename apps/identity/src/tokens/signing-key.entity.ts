import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

@Entity({ schema: 'identity', name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn('text') kid: string;
  @Column('text') alg: string;
  @Column('jsonb', { name: 'public_jwk' }) publicJwk: JWK;
  @Column('jsonb', { name: 'private_jwk' }) privateJwk: JWK;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt: Date | null;
}
