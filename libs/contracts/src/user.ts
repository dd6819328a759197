import { ApiProperty } from '@nestjs/swagger';
import { OAUTH_PROVIDERS } from './insforge/oauth.dto.js';

/** OpenAPI schema of a profile, shared by the user object and the profiles API. */
export const PROFILE_SCHEMA = {
  type: 'object',
  description: 'Public profile (snake_case keys, may be `{}`): `name`, `avatar_url` and any custom fields',
  properties: { name: { type: 'string' }, avatar_url: { type: 'string', format: 'uri' } },
  additionalProperties: true,
} as const;

/** The `user` object of every InsForge response, exactly as InsForge shapes it. */
export interface UserResponse {
  id: string;
  email: string;
  emailVerified: boolean;
  providers: string[];
  createdAt: string;
  updatedAt: string;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
}

/** OpenAPI schema of {@link UserResponse}. */
export class UserResponseDto implements UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email', example: 'user@example.com' })
  email: string;

  @ApiProperty()
  emailVerified: boolean;

  @ApiProperty({ type: [String], description: 'Sign-in methods: `email` when the account has a password or used an emailed code' })
  providers: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty(PROFILE_SCHEMA)
  profile: Record<string, unknown>;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'System metadata' })
  metadata: Record<string, unknown> | null;
}

/** `GET /api/auth/public-config` */
export interface PublicAuthConfig {
  oAuthProviders: string[];
  customOAuthProviders: string[];
  requireEmailVerification: boolean;
  passwordMinLength: number;
  requireNumber: boolean;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireSpecialChar: boolean;
  verifyEmailMethod: 'code' | 'link';
  resetPasswordMethod: 'code' | 'link';
  disableSignup: boolean;
}

/** OpenAPI schema of {@link PublicAuthConfig}. */
export class PublicAuthConfigDto implements PublicAuthConfig {
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...OAUTH_PROVIDERS] }, description: 'Configured built-in OAuth providers' })
  oAuthProviders: string[];

  @ApiProperty({ type: [String], description: 'Keys of configured custom OIDC providers' })
  customOAuthProviders: string[];

  @ApiProperty()
  requireEmailVerification: boolean;

  @ApiProperty({ type: 'integer', minimum: 4, maximum: 128 })
  passwordMinLength: number;

  @ApiProperty()
  requireNumber: boolean;

  @ApiProperty()
  requireLowercase: boolean;

  @ApiProperty()
  requireUppercase: boolean;

  @ApiProperty()
  requireSpecialChar: boolean;

  @ApiProperty({ enum: ['code', 'link'], description: 'code = 6-digit code, link = a link to click' })
  verifyEmailMethod: 'code' | 'link';

  @ApiProperty({ enum: ['code', 'link'], description: 'code = 6-digit code then exchange, link = a link to click' })
  resetPasswordMethod: 'code' | 'link';

  @ApiProperty({ description: 'When true, new users cannot sign up; existing users still sign in' })
  disableSignup: boolean;
}
