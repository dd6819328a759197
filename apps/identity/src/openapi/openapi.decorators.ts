import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { CLIENT_TYPES, ErrorResponseDto, GorbErrorResponseDto } from '@app/contracts';

/** Security scheme names, declared on the document in openapi.ts. */
export const BEARER_AUTH = 'bearerAuth';
export const REFRESH_COOKIE_AUTH = 'refreshCookie';
export const GORB_TOKEN_AUTH = 'gorbToken';

/** `?client_type=`: how the refresh token travels (see ClientTypeQuery). */
export const ApiClientType = () =>
  ApiQuery({
    name: 'client_type',
    required: false,
    enum: CLIENT_TYPES,
    description:
      'web (default): refresh token in the httpOnly `insforge_refresh_token` cookie and `csrfToken` in the body; ' +
      'mobile, desktop, server: `refreshToken` in the body',
  });

/** The CSRF header web clients send with the refresh cookie. */
export const ApiCsrfHeader = (description: string) => ApiHeader({ name: 'X-CSRF-Token', required: false, description });

/** Error statuses of an `/api/auth` operation, each with InsForge's error body. */
export const ApiInsforgeErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorResponseDto })),
  );

/** Error statuses of a `/v1` operation, each with Gorb's `{message}` body. */
export const ApiGorbErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: GorbErrorResponseDto }),
    ),
  );
