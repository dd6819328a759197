import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { CLIENT_TYPES, GorbErrorResponseDto } from '@app/contracts';

/** Shared with the profiles app: the access-token scheme name and InsForge's error responses. */
export { ApiInsforgeErrors, BEARER_AUTH } from '@app/core';

/** Security scheme names, declared on the document in openapi.ts (and BEARER_AUTH above). */
export const REFRESH_COOKIE_AUTH = 'refreshCookie';
export const GORB_TOKEN_AUTH = 'gorbToken';
/** The API key security scheme (InsForge's name): `x-api-key`, or `Authorization: Bearer ik_…`. */
export const API_KEY_AUTH = 'apiKey';

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

/** Error statuses of a `/v1` operation, each with Gorb's `{message}` body. */
export const ApiGorbErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: GorbErrorResponseDto }),
    ),
  );
