import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** `POST /api/auth/oauth/exchange`: the `insforge_code` and the app's PKCE verifier (InsForge's messages). */
export class OAuthExchangeRequest {
  @ApiProperty({ description: 'The `insforge_code` the app received on its redirect URI', example: 'e3b0c442…' })
  @IsDefined({ message: 'Required' })
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Exchange code is required' })
  @MaxLength(256, { message: 'Invalid or expired code' })
  code: string;

  @ApiProperty({
    minLength: 43,
    maxLength: 128,
    pattern: '^[A-Za-z0-9._~-]+$',
    description: 'The verifier whose S256 challenge was sent to `GET /api/auth/oauth/{provider}`',
    example: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  })
  @IsDefined({ message: 'Required' })
  @IsString({ message: 'Expected string' })
  @MinLength(43, { message: 'Code verifier must be at least 43 characters' })
  @MaxLength(128, { message: 'Code verifier must be at most 128 characters' })
  @Matches(/^[A-Za-z0-9._~-]+$/, { message: 'Code verifier must be base64url encoded' })
  code_verifier: string;
}

export interface OAuthAuthUrlResponse {
  authUrl: string;
}

export class OAuthAuthUrlResponseDto implements OAuthAuthUrlResponse {
  @ApiProperty({ format: 'uri', description: "The provider's authorization URL: send the user's browser there" })
  authUrl: string;
}
