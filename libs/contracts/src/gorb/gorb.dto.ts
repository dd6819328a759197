import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../insforge/fields.js';

const lower = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** `POST /v1/login` (the seed): `identifier` (username, or an email) or `email`, with a device name. */
export class GorbLoginRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 320, description: 'Username or email (lower-cased); this or `email` is required' })
  @IsOptional()
  @lower()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  identifier?: string;

  @ApiPropertyOptional({ minLength: 3, maxLength: 320, description: 'Email (lower-cased); this or `identifier` is required' })
  @IsOptional()
  @lower()
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  email?: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'Shown in the device list; "Unknown device" when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  device_name?: string;
}

/** `POST /v1/register` (ours, seed-era Gorb shape). */
export class GorbRegisterRequest {
  @ApiProperty({ maxLength: 64, description: 'The username (lower-cased): 3–32 of a-z, 0-9, `_`, `.`, `-`' })
  @lower()
  @IsString()
  @MaxLength(64)
  identifier: string;

  @ApiProperty({ maxLength: 320, description: 'Lower-cased' })
  @lower()
  @IsString()
  @MaxLength(320)
  email: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, description: 'Must meet the password policy of GET /api/auth/public-config' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  device_name?: string;
}

export class GorbRefreshRequest {
  /** Any string: one that is not a live refresh token of ours is a 401, whatever its length (see RefreshRequest). */
  @ApiProperty({ description: 'A refresh token; anything else is 401' })
  @IsString()
  refresh_token: string;
}

/** `POST /v1/auth/revoke`: the password again, and which device (by name as Gorb, or by id: ours). */
export class GorbRevokeRequest {
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, description: 'The account password, checked again' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'Revoke every session with this device name; this or `device_id` is required' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  device_name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Revoke this one session (ours)' })
  @IsOptional()
  @IsUUID()
  device_id?: string;
}

export interface GorbLoginResponse {
  access_token: string;
  user_id: string;
  uuid: string;
  expires_in: number;
  refresh_token: string;
}

/** OpenAPI schema of {@link GorbLoginResponse}. */
export class GorbLoginResponseDto implements GorbLoginResponse {
  @ApiProperty({ description: 'Opaque access token (64 hex); send it as `Authorization: Bearer`' })
  access_token: string;

  @ApiProperty({ example: '@ada@gorb.example', description: '`@username@instance` (or the uuid when there is no username)' })
  user_id: string;

  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds' })
  expires_in: number;

  @ApiProperty({ description: 'Opaque refresh token, rotated on every refresh' })
  refresh_token: string;
}

/** `POST /v1/auth/refresh` */
export class GorbRefreshResponseDto {
  @ApiProperty()
  access_token: string;

  @ApiProperty()
  refresh_token: string;

  @ApiProperty({ type: 'integer' })
  expires_in: number;
}

export interface GorbRegisterFlags {
  signups_enabled: boolean;
  gorb_id_valid: boolean;
  gorb_id_available: boolean;
  email_valid: boolean;
  email_available: boolean;
  password_minimum_length: boolean;
  password_special_characters: boolean;
  password_letters: boolean;
  password_numbers: boolean;
}

/** 403 body of `POST /v1/register`: Gorb's `{message}` plus which check failed. */
export class GorbRegisterRefusedDto implements GorbRegisterFlags {
  @ApiProperty({ example: 'Registration refused' })
  message: string;

  @ApiProperty()
  signups_enabled: boolean;

  @ApiProperty()
  gorb_id_valid: boolean;

  @ApiProperty()
  gorb_id_available: boolean;

  @ApiProperty()
  email_valid: boolean;

  @ApiProperty()
  email_available: boolean;

  @ApiProperty()
  password_minimum_length: boolean;

  @ApiProperty()
  password_special_characters: boolean;

  @ApiProperty()
  password_letters: boolean;

  @ApiProperty()
  password_numbers: boolean;
}

export interface GorbDevice {
  device_id: string;
  device_name: string | null;
  created_at: string;
  last_used_at: string;
  client_type: string;
  api: 'insforge' | 'gorb';
  current: boolean;
}

/** OpenAPI schema of {@link GorbDevice}. */
export class GorbDeviceDto implements GorbDevice {
  @ApiProperty({ format: 'uuid' })
  device_id: string;

  @ApiProperty({ type: 'string', nullable: true })
  device_name: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  last_used_at: string;

  @ApiProperty({ example: 'gorb' })
  client_type: string;

  @ApiProperty({ enum: ['insforge', 'gorb'] })
  api: 'insforge' | 'gorb';

  @ApiProperty()
  current: boolean;
}

/** `POST /v1/auth/revoke` */
export class GorbRevokeResponseDto {
  @ApiProperty({ description: 'Whether a session was revoked' })
  deleted: boolean;
}

/** `DELETE /v1/auth/logout` */
export class GorbLogoutResponseDto {
  @ApiProperty({ enum: [true], type: 'boolean' })
  success: true;
}
