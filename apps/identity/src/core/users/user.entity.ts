import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ schema: 'identity', name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('text', { nullable: true }) username: string | null;
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash: string | null;
  @Column('boolean', { name: 'email_verified', default: false }) emailVerified: boolean;
  /** read model of the profile, kept current by profiles' `profile.updated` events */
  @Column('jsonb', { default: {} }) profile: Record<string, unknown>;
  @Column('bigint', { name: 'profile_version', default: 0 }) profileVersion: string;
  @Column('jsonb', { default: {} }) metadata: Record<string, unknown>;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  /** set by an admin's ban: no new session starts while it is */
  @Column('timestamptz', { name: 'banned_at', nullable: true }) bannedAt: Date | null;
}

@Entity({ schema: 'identity', name: 'user_providers' })
export class UserProvider {
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('text', { primary: true }) provider: string;
  @Column('text', { name: 'provider_account_id', primary: true }) providerAccountId: string;
  @Column('jsonb', { name: 'provider_data', default: {} }) providerData: Record<string, unknown>;
  /** OAuth: the address the provider gave at the last sign-in, and whether it said it verified it */
  @Column('text', { nullable: true }) email: string | null;
  @Column('boolean', { name: 'email_verified', default: false }) emailVerified: boolean;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}
