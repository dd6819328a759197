import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'profiles', name: 'profiles' })
export class Profile {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;
  @Column('jsonb', { default: {} }) profile: Record<string, unknown>;
  /** bumped on every change; sent with `profile.updated` so identity can drop stale events */
  @Column('bigint', { default: 1 }) version: string;
  /** false while a PATCH-created profile waits for `user.registered` */
  @Column('boolean', { default: true }) registered: boolean;
  /** keys the owner set or removed while the profile was pending (the sign-up fields must not overwrite them) */
  @Column('text', { name: 'owner_keys', array: true, default: () => "'{}'" }) ownerKeys: string[];
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}
