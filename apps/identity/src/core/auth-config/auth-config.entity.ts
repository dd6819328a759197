import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The singleton row of auth settings (public-config fields plus the redirect allow-list). */
@Entity({ schema: 'identity', name: 'auth_config' })
export class AuthConfig {
  @PrimaryColumn('smallint') id: number;
  @Column('boolean', { name: 'require_email_verification' }) requireEmailVerification: boolean;
  @Column('integer', { name: 'password_min_length' }) passwordMinLength: number;
  @Column('boolean', { name: 'require_number' }) requireNumber: boolean;
  @Column('boolean', { name: 'require_lowercase' }) requireLowercase: boolean;
  @Column('boolean', { name: 'require_uppercase' }) requireUppercase: boolean;
  @Column('boolean', { name: 'require_special_char' }) requireSpecialChar: boolean;
  @Column('text', { name: 'verify_email_method' }) verifyEmailMethod: 'code' | 'link';
  @Column('text', { name: 'reset_password_method' }) resetPasswordMethod: 'code' | 'link';
  @Column('text', { name: 'allowed_redirect_urls', array: true }) allowedRedirectUrls: string[];
  @Column('boolean', { name: 'disable_signup' }) disableSignup: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
