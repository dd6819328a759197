import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { PublicAuthConfigDto } from '../user.js';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/**
 * Hours as InsForge takes them (a number, or digits in a string), but never coerced from anything
 * else: an empty string or `false` must not become 0, which would end the old key at once.
 */
const HoursField = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value));

/** `POST /api/auth/admin/sessions`: the credentials of ROOT_ADMIN_USERNAME / ROOT_ADMIN_PASSWORD. */
export class AdminSignInRequest {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'admin', description: 'Trimmed' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Username is required' })
  @MaxLength(100, { message: 'Username must be at most 100 characters' })
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 4096, example: 'change-this-password' })
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Password is required' })
  @MaxLength(4096, { message: 'Password must be at most 4096 characters' })
  password: string;
}

export class AdminIdentityDto {
  @ApiProperty({ example: 'local:admin', description: '`local:<username>`' })
  sub: string;
}

export class CurrentAdminSessionResponseDto {
  @ApiProperty({ type: AdminIdentityDto })
  admin: AdminIdentityDto;
}

export class AdminSessionResponseDto {
  @ApiProperty({ type: AdminIdentityDto })
  admin: AdminIdentityDto;

  @ApiProperty({ description: 'Admin access token (JWT, `role: "project_admin"`)' })
  accessToken: string;

  @ApiProperty({ description: 'CSRF token for `/api/auth/admin/refresh` and `/api/auth/admin/logout`', example: 'a3f…' })
  csrfToken: string;
}

export class AnonTokenResponseDto {
  @ApiProperty({ description: 'The active anon key', example: 'anon_8f3a…' })
  accessToken: string;

  @ApiProperty({ example: 'Anon key retrieved successfully (deprecated route, use GET /api/metadata/anon-key)' })
  message: string;
}

export class AnonKeyResponseDto {
  @ApiProperty({ description: 'The active anon key (`anon_` + 64 hex)', example: 'anon_8f3a…' })
  anonKey: string;
}

class ApiKeyGraceDto {
  @ApiProperty({ example: 'ik_1a2b…9f0e' })
  hint: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'When this rotated-out key stops working' })
  expiresAt: string;
}

/** Ours: the key is stored hashed, so it is never returned again (`apiKey` is always null). */
export class ApiKeyMetadataResponseDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: an API key is shown once, when it is made' })
  apiKey: null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'ik_1a2b…9f0e',
    description: 'The active key, shortened; null when there is none',
  })
  hint: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  createdAt: string | null;

  @ApiProperty({ type: [ApiKeyGraceDto], description: 'Rotated-out keys still accepted' })
  inGracePeriod: ApiKeyGraceDto[];

  @ApiProperty({ example: 'API keys are stored hashed and shown only once. Rotate to get a new key.' })
  message: string;
}

export class RotateApiKeyRequest {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 168, default: 24, description: 'Hours the old key keeps working' })
  @IsOptional()
  @HoursField()
  @IsInt({ message: 'Expected integer' })
  @Min(0, { message: 'Number must be greater than or equal to 0' })
  @Max(168, { message: 'Number must be less than or equal to 168' })
  gracePeriodHours?: number;
}

export class RotateAnonKeyRequest {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 720, default: 168, description: 'Hours the old key keeps working' })
  @IsOptional()
  @HoursField()
  @IsInt({ message: 'Expected integer' })
  @Min(0, { message: 'Number must be greater than or equal to 0' })
  @Max(720, { message: 'Number must be less than or equal to 720' })
  gracePeriodHours?: number;
}

export class RotateApiKeyResponseDto {
  @ApiProperty({ enum: [true] })
  success: true;

  @ApiProperty({ example: 'API key rotated successfully. Old key will remain valid during grace period.' })
  message: string;

  @ApiProperty({ description: 'The new key: shown this once, never retrievable again', example: 'ik_…' })
  apiKey: string;

  @ApiProperty({ format: 'date-time' })
  oldKeyExpiresAt: string;
}

export class RotateAnonKeyResponseDto {
  @ApiProperty({ enum: [true] })
  success: true;

  @ApiProperty({ example: 'Anon key rotated successfully. Old key will remain valid during grace period.' })
  message: string;

  @ApiProperty({ example: 'anon_…' })
  anonKey: string;

  @ApiProperty({ format: 'date-time' })
  oldKeyExpiresAt: string;
}

/** `GET /api/metadata/auth`: the public config plus what only admins see. */
export class AdminAuthMetadataResponseDto extends PublicAuthConfigDto {
  @ApiProperty({ type: [String], description: 'The redirect allow-list (exact URLs and glob patterns); empty allows any URL' })
  allowedRedirectUrls: string[];
}
