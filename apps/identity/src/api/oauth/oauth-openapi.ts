import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { OAuthAuthUrlResponseDto } from '@app/contracts';

/** The authorize request's own parameters and answer, the same for built-in and custom providers. */
export const ApiAuthorizeRequest = () =>
  applyDecorators(
    ApiQuery({
      name: 'redirect_uri',
      required: true,
      schema: { type: 'string', format: 'uri' },
      description: 'Where the app receives `insforge_code`',
    }),
    ApiQuery({
      name: 'code_challenge',
      required: true,
      schema: { type: 'string', minLength: 43, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' },
      description: "Base64URL(SHA-256(code_verifier)): the app's PKCE challenge",
    }),
    ApiOkResponse({ type: OAuthAuthUrlResponseDto, description: 'The authorization URL' }),
  );

/** The callback's query (`error` only where the provider sends one back) and its redirect to the app. */
export const ApiCallbackRequest = (redirect: string, opts: { error?: boolean } = {}) =>
  applyDecorators(
    ApiQuery({ name: 'state', required: true, type: String, description: 'The signed state from the authorize request' }),
    ApiQuery({ name: 'code', required: false, type: String, description: "The provider's authorization code" }),
    ...(opts.error ? [ApiQuery({ name: 'error', required: false, type: String, description: "The provider's error code" })] : []),
    ApiResponse({ status: 302, description: redirect }),
  );
