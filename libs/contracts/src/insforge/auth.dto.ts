import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { type UserResponse, UserResponseDto } from '../user.js';
import { ONE_TIME_CODE_PATTERN } from '../token-shapes.js';
import { EmailField, PASSWORD_MAX_LENGTH, PasswordField } from './fields.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export const CLIENT_TYPES = ['web', 'mobile', 'desktop', 'server'] as const;

/** `client_type`: mobile, desktop and server get the refresh token in the body; anything else is web. */
export class ClientTypeQuery {
  @ApiPropertyOptional({
    enum: CLIENT_TYPES,
    default: 'web',
    description:
      'web: refresh token in an httpOnly cookie and `csrfToken` in the body; mobile, desktop, server: `refreshToken` in the body',
  })
  @IsOptional()
  @IsString()
  client_type?: string;
}
export type ClientKind = 'web' | 'mobile' | 'desktop' | 'server';
export const parseClientType = (v: unknown): ClientKind => (v === 'mobile' || v === 'desktop' || v === 'server' ? v : 'web');

export class SignUpRequest {
  @ApiProperty({ format: 'email', maxLength: 320, example: 'user@example.com', description: 'Trimmed and lower-cased' })
  @EmailField()
  email: string;

  @ApiProperty({
    maxLength: PASSWORD_MAX_LENGTH,
    example: 'Test_P@ssword_123!',
    description: 'Must meet the password policy of GET /api/auth/public-config',
  })
  @PasswordField()
  password: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, example: 'Ada Lovelace', description: 'Trimmed; becomes `profile.name`' })
  @IsOptional()
  @trim()
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Name must not be empty' })
  @MaxLength(100, { message: 'Name must be at most 100 characters' })
  name?: string;

  @ApiPropertyOptional({
    format: 'uri',
    maxLength: 2048,
    description: 'Where the verification link lands after verifying (link method; must be an allowed redirect URL)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'Invalid URL' })
  @MaxLength(2048)
  redirectTo?: string;

  @ApiPropertyOptional({
    type: 'boolean',
    description: 'Admin creation only (an API key or an admin token): mark the email verified. Ignored for anyone else.',
  })
  @IsOptional()
  @IsBoolean({ message: 'Expected boolean' })
  autoConfirm?: boolean;
}

/** Password sign-in, or email-code sign-in with `method: "otp"`. */
export class SignInRequest {
  @ApiPropertyOptional({ enum: ['password', 'otp'], nullable: true, default: 'password', description: 'Absent or null means password' })
  @IsOptional()
  @IsIn(['password', 'otp'], { message: "Invalid discriminator value. Expected 'password' | 'otp'" })
  method?: 'password' | 'otp' | null;

  @ApiProperty({ format: 'email', maxLength: 320, example: 'user@example.com', description: 'Trimmed and lower-cased' })
  @EmailField()
  email: string;

  @ApiPropertyOptional({ maxLength: PASSWORD_MAX_LENGTH, description: 'Required unless `method` is `otp`' })
  @ValidateIf((o: SignInRequest) => o.method !== 'otp')
  @PasswordField()
  password?: string;

  @ApiPropertyOptional({
    pattern: ONE_TIME_CODE_PATTERN.source,
    example: '123456',
    description: 'The emailed 6-digit code; required when `method` is `otp`',
  })
  @ValidateIf((o: SignInRequest) => o.method === 'otp')
  @IsString({ message: 'Expected string' })
  @Matches(ONE_TIME_CODE_PATTERN, { message: 'OTP must be a 6-digit numeric code' })
  otp?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'With `method: otp`: the profile name of a user created by this sign-in',
  })
  @IsOptional()
  @trim()
  @IsString({ message: 'Expected string' })
  @MinLength(1)
  @MaxLength(100, { message: 'Name must be at most 100 characters' })
  name?: string;
}

/**
 * Non-web refresh and logout: the token in the body, either spelling (the SDK sends both). No
 * length or format rule here: any string that is not a live refresh token of ours, an access
 * token sent by mistake or 1 MiB of junk alike, is InsForge's 401 on refresh (200 on logout). The
 * service bounds it (only 64 hex characters ever reach the database) and the body limit bounds it.
 */
export class RefreshRequest {
  @ApiPropertyOptional({ description: 'Refresh token (mobile, desktop and server clients)' })
  @IsOptional()
  @IsString({ message: 'Expected string' })
  refreshToken?: string;

  @ApiPropertyOptional({ description: 'The same, snake_case (sent by the SDK’s refreshSession)' })
  @IsOptional()
  @IsString({ message: 'Expected string' })
  refresh_token?: string;
}

export class RevokeSessionsQuery {
  @ApiProperty({ enum: ['others', 'all'], description: 'others: every session but the caller’s; all: every session' })
  @IsIn(['others', 'all'], { message: "scope must be 'others' or 'all'" })
  scope: 'others' | 'all';
}

export interface SessionTokensResponse {
  user: UserResponse;
  accessToken: string;
  /** web clients */
  csrfToken?: string;
  /** mobile, desktop and server clients */
  refreshToken?: string;
}

/** OpenAPI schema of {@link SessionTokensResponse}. */
export class SessionTokensResponseDto implements SessionTokensResponse {
  @ApiProperty({ type: () => UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ description: 'ES256 JWT access token' })
  accessToken: string;

  @ApiPropertyOptional({ description: 'Web clients: send it as X-CSRF-Token on refresh and logout' })
  csrfToken?: string;

  @ApiPropertyOptional({ description: 'Mobile, desktop and server clients: the opaque refresh token (rotated on every refresh)' })
  refreshToken?: string;
}

export interface SignUpResponse {
  user?: UserResponse;
  accessToken: string | null;
  requireEmailVerification: boolean;
  csrfToken?: string;
  refreshToken?: string;
}

/** OpenAPI schema of {@link SignUpResponse}. */
export class SignUpResponseDto implements SignUpResponse {
  @ApiPropertyOptional({ type: () => UserResponseDto, description: 'Absent when email verification is required' })
  user?: UserResponseDto;

  @ApiProperty({ type: 'string', nullable: true, description: 'null when email verification is required' })
  accessToken: string | null;

  @ApiProperty({ description: 'Whether the email must be verified before signing in' })
  requireEmailVerification: boolean;

  @ApiPropertyOptional({ description: 'Web clients' })
  csrfToken?: string;

  @ApiPropertyOptional({ description: 'Mobile, desktop and server clients' })
  refreshToken?: string;
}

/** `GET /api/auth/sessions/current` */
export class CurrentSessionResponseDto {
  @ApiProperty({ type: () => UserResponseDto })
  user: UserResponseDto;
}

/** `POST /api/auth/logout` */
export class LogoutResponseDto {
  @ApiProperty({ enum: [true], type: 'boolean' })
  success: true;

  @ApiProperty({ example: 'Logged out successfully' })
  message: string;
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

/** OpenAPI schema of {@link SessionInfo}. */
export class SessionInfoDto implements SessionInfo {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['insforge', 'gorb'], description: 'Which API started the session' })
  api: 'insforge' | 'gorb';

  @ApiProperty({ example: 'web', description: 'web, mobile, desktop, server or gorb' })
  clientType: string;

  @ApiProperty({ type: 'string', nullable: true })
  deviceName: string | null;

  @ApiProperty()
  userAgent: string;

  @ApiProperty()
  ip: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;

  @ApiProperty({ format: 'date-time', description: 'The earlier of the idle and the absolute expiry' })
  expiresAt: string;

  @ApiProperty({ description: 'The session of the access token making the request' })
  current: boolean;
}

/** `GET /api/auth/sessions` */
export class SessionListResponseDto {
  @ApiProperty({ type: [SessionInfoDto] })
  sessions: SessionInfoDto[];
}

/** `DELETE /api/auth/sessions` and `DELETE /api/auth/sessions/{id}` */
export class RevokeSessionsResponseDto {
  @ApiProperty({ enum: [true], type: 'boolean' })
  success: true;

  @ApiProperty({ type: 'integer', description: 'How many sessions were revoked' })
  revoked: number;
}
