import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../insforge/fields.js';

const lower = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** `POST /v1/login` (the seed): `identifier` (username, or an email) or `email`, with a device name. */
export class GorbLoginRequest {
  @IsOptional() @lower() @IsString() @MinLength(1) @MaxLength(320) identifier?: string;
  @IsOptional() @lower() @IsString() @MinLength(3) @MaxLength(320) email?: string;
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH) password: string;
  @IsOptional() @IsString() @MaxLength(64) device_name?: string;
}

/** `POST /v1/register` (ours, seed-era Gorb shape). */
export class GorbRegisterRequest {
  @lower() @IsString() @MaxLength(64) identifier: string;
  @lower() @IsString() @MaxLength(320) email: string;
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH) password: string;
  @IsOptional() @IsString() @MaxLength(64) device_name?: string;
}

export class GorbRefreshRequest {
  @IsString() @MaxLength(256) refresh_token: string;
}

/** `POST /v1/auth/revoke`: the password again, and which device (by name as Gorb, or by id: ours). */
export class GorbRevokeRequest {
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH) password: string;
  @IsOptional() @IsString() @MaxLength(64) device_name?: string;
  @IsOptional() @IsUUID() device_id?: string;
}

export interface GorbLoginResponse {
  access_token: string;
  user_id: string;
  uuid: string;
  expires_in: number;
  refresh_token: string;
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

export interface GorbDevice {
  device_id: string;
  device_name: string | null;
  created_at: string;
  last_used_at: string;
  client_type: string;
  api: 'insforge' | 'gorb';
  current: boolean;
}
