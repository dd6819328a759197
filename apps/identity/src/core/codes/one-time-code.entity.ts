import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type CodePurpose = 'verify_email' | 'reset_password' | 'sign_in';

@Entity({ schema: 'identity', name: 'one_time_codes' })
export class OneTimeCode {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('text') purpose: CodePurpose;
  @Column('text') kind: 'code' | 'token';
  @Column('bytea', { name: 'secret_hash' }) secretHash: Buffer;
  @Column('text', { name: 'redirect_to', nullable: true }) redirectTo: string | null;
  @Column('integer', { default: 0 }) attempts: number;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'consumed_at', nullable: true }) consumedAt: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
}
