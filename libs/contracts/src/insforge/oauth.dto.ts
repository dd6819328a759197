import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  IsNotIn,
  ValidateIf,
} from 'class-validator';

/** InsForge's provider enum: everything `oAuthProviders` may list and `/oauth/:provider` may name. */
export const OAUTH_PROVIDERS = Object.freeze([
  'google',
  'github',
  'discord',
  'linkedin',
  'facebook',
  'instagram',
  'tiktok',
  'apple',
  'x',
  'spotify',
  'microsoft',
] as const);
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];
export const isOAuthProvider = (v: unknown): v is OAuthProvider =>
  typeof v === 'string' && (OAUTH_PROVIDERS as readonly string[]).includes(v);

/** A custom OIDC provider's key, as InsForge: it names the provider in URLs and `user.providers`. */
export const CUSTOM_OAUTH_KEY = /^[a-z0-9_-]{1,64}$/;
/** Keys a custom provider may not take: they would pass for a built-in identity or shadow a route. */
export const RESERVED_CUSTOM_KEYS: readonly string[] = Object.freeze([...OAUTH_PROVIDERS, 'email', 'configs']);

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
/** Trimmed, blank entries dropped and duplicates removed (as InsForge normalises nativeClientIds). */
const normalizeIds = () =>
  Transform(({ value }) =>
    Array.isArray(value) ? [...new Set(value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== ''))] : value,
  );
const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Fields shared by create and update of a built-in provider's configuration. */
class OAuthConfigFields {
  @ApiPropertyOptional({ maxLength: 512, description: "The application's client id at the provider" })
  @IsOptional()
  @trim()
  @MaxLength(512)
  @IsString({ message: 'Expected string' })
  clientId?: string;

  @ApiPropertyOptional({
    maxLength: 8192,
    description: 'Write-only: stored encrypted, never returned (GET answers `hasClientSecret` instead)',
  })
  @IsOptional()
  @MaxLength(8192)
  @IsString({ message: 'Expected string' })
  clientSecret?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    description: 'Server-trusted native app client IDs used as ID-token audiences',
  })
  @IsOptional()
  @normalizeIds()
  @MaxLength(255, { each: true })
  @IsString({ each: true, message: 'Expected string' })
  @ArrayMaxSize(20, { message: 'At most 20 native client IDs are allowed' })
  @IsArray({ message: 'Expected array' })
  nativeClientIds?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: "Scopes asked of the provider (default: the provider's usual ones)" })
  @IsOptional()
  @Matches(/^[\x21-\x7e]+$/, { each: true, message: 'A scope is printable ASCII without spaces' })
  @MaxLength(200, { each: true })
  @MinLength(1, { each: true })
  @IsString({ each: true, message: 'Expected string' })
  @ArrayMaxSize(50)
  @IsArray({ message: 'Expected array' })
  scopes?: string[];

  @ApiPropertyOptional({ format: 'uri', maxLength: 2048, description: 'Kept for InsForge compatibility; the callback URL is always ours' })
  @IsOptional()
  @MaxLength(2048)
  @IsUrl(HTTP_URL, { message: 'Invalid URL' })
  redirectUri?: string;

  @ApiPropertyOptional({ description: "InsForge Cloud's shared keys: not available here, true is refused" })
  @IsOptional()
  @IsBoolean({ message: 'Expected boolean' })
  useSharedKey?: boolean;
}

export class CreateOAuthConfigRequest extends OAuthConfigFields {
  @ApiProperty({ enum: OAUTH_PROVIDERS })
  @IsIn(OAUTH_PROVIDERS, { message: `Invalid enum value. Expected ${OAUTH_PROVIDERS.map((p) => `'${p}'`).join(' | ')}` })
  provider: OAuthProvider;
}

export class UpdateOAuthConfigRequest extends OAuthConfigFields {}

/** A built-in provider's configuration as the admin API returns it: never the secret itself. */
export interface OAuthConfigResponse {
  id: string;
  provider: OAuthProvider;
  clientId: string | null;
  hasClientSecret: boolean;
  nativeClientIds: string[];
  redirectUri: string | null;
  scopes: string[] | null;
  useSharedKey: boolean;
  createdAt: string;
  updatedAt: string;
}

export class OAuthConfigDto implements OAuthConfigResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: OAUTH_PROVIDERS }) provider: OAuthProvider;
  @ApiProperty({ type: String, nullable: true }) clientId: string | null;
  @ApiProperty({ description: 'Whether a client secret is stored (the secret itself is never returned)' }) hasClientSecret: boolean;
  @ApiProperty({ type: [String], maxItems: 20, description: 'Server-trusted native app client IDs used as ID-token audiences' })
  nativeClientIds: string[];
  @ApiProperty({ type: String, nullable: true }) redirectUri: string | null;
  @ApiProperty({ type: [String], nullable: true }) scopes: string[] | null;
  @ApiProperty() useSharedKey: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class OAuthConfigListDto {
  @ApiProperty({ type: [OAuthConfigDto] }) data: OAuthConfigResponse[];
  @ApiProperty({ type: 'integer' }) count: number;
}

/** Fields shared by create and update of a custom OIDC provider. */
class CustomOAuthConfigFields {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Shown to users' })
  @trim()
  @MaxLength(100)
  @MinLength(1, { message: 'Name is required' })
  @IsString({ message: 'Expected string' })
  name: string;

  @ApiProperty({
    format: 'uri',
    maxLength: 2048,
    description: "The issuer's OpenID discovery document (https; fetched by the server, only from this admin-set URL)",
  })
  @MaxLength(2048)
  @IsUrl(HTTP_URL, { message: 'Invalid url' })
  discoveryEndpoint: string;

  @ApiProperty({ minLength: 1, maxLength: 512 })
  @trim()
  @MaxLength(512)
  @MinLength(1, { message: 'Client ID is required' })
  @IsString({ message: 'Expected string' })
  clientId: string;

  @ApiProperty({ minLength: 1, maxLength: 8192, description: 'Write-only: stored encrypted, never returned' })
  @MaxLength(8192)
  @MinLength(1, { message: 'Client secret is required' })
  @IsString({ message: 'Expected string' })
  clientSecret: string;
}

export class CreateCustomOAuthConfigRequest extends CustomOAuthConfigFields {
  @ApiProperty({
    pattern: CUSTOM_OAUTH_KEY.source,
    example: 'acme',
    description:
      'Lowercase letters, digits, `-` and `_`. Not a built-in provider name, `email` or `configs` (ours: the key names the ' +
      "provider in users' `providers`, so it must not pass for another)",
  })
  @IsNotIn(RESERVED_CUSTOM_KEYS, { message: 'Key is reserved (a built-in provider, email or configs)' })
  @Matches(CUSTOM_OAUTH_KEY, { message: 'Key must contain only lowercase letters, numbers, hyphens, and underscores' })
  @IsString({ message: 'Expected string' })
  key: string;
}

export class UpdateCustomOAuthConfigRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @trim()
  @MaxLength(100)
  @MinLength(1, { message: 'Name is required' })
  @IsString({ message: 'Expected string' })
  name?: string;

  @ApiPropertyOptional({ format: 'uri', maxLength: 2048 })
  @IsOptional()
  @MaxLength(2048)
  @IsUrl(HTTP_URL, { message: 'Invalid url' })
  discoveryEndpoint?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 512 })
  @IsOptional()
  @trim()
  @MaxLength(512)
  @MinLength(1, { message: 'Client ID is required' })
  @IsString({ message: 'Expected string' })
  clientId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 8192, description: 'Write-only: stored encrypted, never returned' })
  @IsOptional()
  @MaxLength(8192)
  @MinLength(1, { message: 'Client secret is required' })
  @IsString({ message: 'Expected string' })
  clientSecret?: string;
}

export interface CustomOAuthConfigResponse {
  id: string;
  key: string;
  name: string;
  discoveryEndpoint: string;
  clientId: string;
  hasClientSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export class CustomOAuthConfigDto implements CustomOAuthConfigResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uri' }) discoveryEndpoint: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ description: 'Always true: a custom provider needs its secret (never returned)' }) hasClientSecret: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CustomOAuthConfigListDto {
  @ApiProperty({ type: [CustomOAuthConfigDto] }) data: CustomOAuthConfigResponse[];
  @ApiProperty({ type: 'integer' }) count: number;
}

/** `DELETE …/config` */
export class OAuthConfigDeletedDto {
  @ApiProperty() success: boolean;
  @ApiProperty() message: string;
}

/** The providers whose native SDKs' ID tokens `POST /api/auth/id-token` accepts. */
export const ID_TOKEN_PROVIDERS = Object.freeze(['google', 'apple'] as const);
export type IdTokenProvider = (typeof ID_TOKEN_PROVIDERS)[number];

/** The only keys an Apple request may carry (InsForge's schema is strict: no caller-chosen `audience`). */
export const APPLE_ID_TOKEN_KEYS: readonly string[] = Object.freeze(['provider', 'token', 'nonce', 'name']);

/** `POST /api/auth/id-token`: `{provider:"google", token}` or `{provider:"apple", token, nonce, name?}`. */
export class IdTokenSignInRequest {
  @ApiProperty({ enum: ID_TOKEN_PROVIDERS })
  @IsIn(ID_TOKEN_PROVIDERS, { message: "Invalid discriminator value. Expected 'google' | 'apple'" })
  provider: IdTokenProvider;

  @ApiProperty({ minLength: 1, maxLength: 16384, description: "The ID token from the provider's native SDK" })
  @MaxLength(16384, { message: 'Token is too long' })
  @MinLength(1, { message: 'Token is required' })
  @IsString({ message: 'Expected string' })
  token: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    description: 'Apple only, required: the raw nonce whose lowercase SHA-256 hex digest the native authorization request carried',
  })
  @ValidateIf((o: IdTokenSignInRequest) => o.provider === 'apple')
  @Matches(/\S/, { message: 'Nonce is required' })
  @MaxLength(255, { message: 'Nonce is too long' })
  @MinLength(1, { message: 'Nonce is required' })
  @IsString({ message: 'Expected string' })
  nonce?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: "Apple only: the user's name (Apple sends it to the app, never in the token)",
  })
  @ValidateIf((o: IdTokenSignInRequest) => o.provider === 'apple' && o.name !== undefined)
  @trim()
  @MaxLength(100, { message: 'Name must be at most 100 characters' })
  @MinLength(1, { message: 'Name must not be empty' })
  @IsString({ message: 'Expected string' })
  name?: string;
}
