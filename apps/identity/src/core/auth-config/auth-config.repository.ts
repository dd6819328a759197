import { Injectable } from '@nestjs/common';
import { Sql } from '@app/core';

/** The singleton row of auth settings (public-config fields plus the redirect allow-list). */
export interface AuthConfig {
  id: number;
  requireEmailVerification: boolean;
  passwordMinLength: number;
  requireNumber: boolean;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireSpecialChar: boolean;
  verifyEmailMethod: 'code' | 'link';
  resetPasswordMethod: 'code' | 'link';
  allowedRedirectUrls: string[];
  disableSignup: boolean;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class AuthConfigRepository {
  constructor(private readonly sql: Sql) {}

  /** The singleton row (the migration creates it); read on every sign-up and sign-in, so prepared. */
  async get(): Promise<AuthConfig> {
    const [row] = await this.sql.query<AuthConfig>(
      'auth-config',
      `SELECT id, require_email_verification AS "requireEmailVerification", password_min_length AS "passwordMinLength",
              require_number AS "requireNumber", require_lowercase AS "requireLowercase", require_uppercase AS "requireUppercase",
              require_special_char AS "requireSpecialChar", verify_email_method AS "verifyEmailMethod",
              reset_password_method AS "resetPasswordMethod", allowed_redirect_urls AS "allowedRedirectUrls",
              disable_signup AS "disableSignup", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM identity.auth_config WHERE id = 1`,
    );
    if (!row) throw new Error('identity.auth_config has no row: run the migrations');
    return row;
  }
}
