import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import type { UserResponse } from '../user.js';
import { EmailField, PasswordField } from './fields.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** `client_type`: mobile, desktop and server get the refresh token in the body; anything else is web. */
export class ClientTypeQuery {
  @IsOptional() @IsString() client_type?: string;
}
export type ClientKind = 'web' | 'mobile' | 'desktop' | 'server';
export const parseClientType = (v: unknown): ClientKind => (v === 'mobile' || v === 'desktop' || v === 'server' ? v : 'web');

export class SignUpRequest {
  @EmailField() email: string;
  @PasswordField() password: string;

  @IsOptional()
  @trim()
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Name must not be empty' })
  @MaxLength(100, { message: 'Name must be at most 100 characters' })
  name?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'Invalid URL' })
  @MaxLength(2048)
  redirectTo?: string;
}

/** Password sign-in, or email-code sign-in with `method: "otp"`. */
export class SignInRequest {
  @IsOptional() @IsIn(['password', 'otp'], { message: "Invalid discriminator value. Expected 'password' | 'otp'" }) method?:
    'password' | 'otp' | null;
  @EmailField() email: string;

  @ValidateIf((o: SignInRequest) => o.method !== 'otp')
  @PasswordField()
  password?: string;

  @ValidateIf((o: SignInRequest) => o.method === 'otp')
  @IsString({ message: 'Expected string' })
  @Matches(/^\d{6}$/, { message: 'OTP must be a 6-digit numeric code' })
  otp?: string;

  @IsOptional()
  @trim()
  @IsString({ message: 'Expected string' })
  @MinLength(1)
  @MaxLength(100, { message: 'Name must be at most 100 characters' })
  name?: string;
}

/** Non-web refresh and logout: the token in the body, either spelling (the SDK sends both). */
export class RefreshRequest {
  @IsOptional() @IsString({ message: 'Expected string' }) @MaxLength(256) refreshToken?: string;
  @IsOptional() @IsString({ message: 'Expected string' }) @MaxLength(256) refresh_token?: string;
}

export class RevokeSessionsQuery {
  @IsIn(['others', 'all'], { message: "scope must be 'others' or 'all'" }) scope: 'others' | 'all';
}

export interface SessionTokensResponse {
  user: UserResponse;
  accessToken: string;
  /** web clients */
  csrfToken?: string;
  /** mobile, desktop and server clients */
  refreshToken?: string;
}

export interface SignUpResponse {
  user?: UserResponse;
  accessToken: string | null;
  requireEmailVerification: boolean;
  csrfToken?: string;
  refreshToken?: string;
}

/** One entry of `GET /api/auth/sessions` (ours; InsForge has no session list). */
export interface SessionInfo {
  id: string;
  api: 'insforge' | 'gorb';
  clientType: string;
  deviceName: string | null;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}
