import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type SessionApi = 'insforge' | 'gorb';

@Entity({ schema: 'identity', name: 'sessions' })
export class Session {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('text') api: SessionApi;
  @Column('text', { name: 'client_type' }) clientType: string;
  @Column('text', { name: 'device_name', nullable: true }) deviceName: string | null;
  @Column('text', { name: 'user_agent', default: '' }) userAgent: string;
  @Column('text', { default: '' }) ip: string;
  @Column('text', { name: 'csrf_nonce' }) csrfNonce: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'last_used_at', default: () => 'now()' }) lastUsedAt: Date;
  @Column('timestamptz', { name: 'idle_expires_at' }) idleExpiresAt: Date;
  @Column('timestamptz', { name: 'absolute_expires_at' }) absoluteExpiresAt: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
  @Column('text', { name: 'revoked_reason', nullable: true }) revokedReason: string | null;
}

@Entity({ schema: 'identity', name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn('bytea', { name: 'token_hash' }) tokenHash: Buffer;
  @Column('uuid', { name: 'session_id' }) sessionId: string;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'rotated_at', nullable: true }) rotatedAt: Date | null;
  @Column('bytea', { name: 'successor_sealed', nullable: true }) successorSealed: Buffer | null;
}

@Entity({ schema: 'identity', name: 'opaque_access_tokens' })
export class OpaqueAccessToken {
  @PrimaryColumn('bytea', { name: 'token_hash' }) tokenHash: Buffer;
  @Column('uuid', { name: 'session_id' }) sessionId: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
}
