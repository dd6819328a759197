import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Stable error codes of the InsForge API (as InsForge spells them) plus ours. */
export const ERROR_CODES = Object.freeze({
  INVALID_INPUT: 'INVALID_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  AUTH_INVALID_CREDENTIALS: 'AUTH_INVALID_CREDENTIALS',
  AUTH_INVALID_API_KEY: 'AUTH_INVALID_API_KEY',
  AUTH_EMAIL_EXISTS: 'AUTH_EMAIL_EXISTS',
  AUTH_USER_NOT_FOUND: 'AUTH_USER_NOT_FOUND',
  AUTH_UNAUTHORIZED: 'AUTH_UNAUTHORIZED',
  AUTH_SIGNUP_DISABLED: 'AUTH_SIGNUP_DISABLED',
  AUTH_OAUTH_CONFIG_ALREADY_EXISTS: 'AUTH_OAUTH_CONFIG_ALREADY_EXISTS',
  AUTH_OAUTH_CONFIG_ERROR: 'AUTH_OAUTH_CONFIG_ERROR',
  AUTH_OAUTH_CONFIG_NOT_FOUND: 'AUTH_OAUTH_CONFIG_NOT_FOUND',
  AUTH_UNSUPPORTED_PROVIDER: 'AUTH_UNSUPPORTED_PROVIDER',
  /** ours: the account is banned (only answered once the password or emailed code was proven) */
  AUTH_USER_BANNED: 'AUTH_USER_BANNED',
  EMAIL_PROVIDER_NOT_CONFIGURED: 'EMAIL_PROVIDER_NOT_CONFIGURED',
  EMAIL_SMTP_CONNECTION_FAILED: 'EMAIL_SMTP_CONNECTION_FAILED',
} as const);
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The InsForge error body (`/api/auth`): every error response has exactly this shape. */
export interface InsforgeErrorBody {
  error: ErrorCode;
  message: string;
  statusCode: number;
  nextActions?: string;
  /** Our one extension: on a 429, the Retry-After header's seconds, for clients that see only the body. */
  retryAfter?: number;
}

/** OpenAPI schema of {@link InsforgeErrorBody}. */
export class ErrorResponseDto implements InsforgeErrorBody {
  @ApiProperty({ description: 'Stable error code for programmatic handling', enum: Object.values(ERROR_CODES), example: 'INVALID_INPUT' })
  error: ErrorCode;

  @ApiProperty({ description: 'Human-readable message, safe to show', example: 'email: Invalid email format' })
  message: string;

  @ApiProperty({ type: 'integer', description: 'The HTTP status code', example: 400 })
  statusCode: number;

  @ApiPropertyOptional({ description: 'A hint on how to resolve the error' })
  nextActions?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'On a 429 only: seconds to wait before retrying (as the Retry-After header)',
    example: 60,
  })
  retryAfter?: number;
}

/** The Gorb error body (`/v1`). */
export interface GorbErrorBody {
  message: string;
  /** On a 429 only: seconds to wait (as the Retry-After header). */
  retryAfter?: number;
}

/** OpenAPI schema of {@link GorbErrorBody}. */
export class GorbErrorResponseDto implements GorbErrorBody {
  @ApiProperty({ example: 'Invalid credentials' })
  message: string;
}
