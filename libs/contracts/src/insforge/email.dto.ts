import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { LINK_TOKEN_PATTERN, ONE_TIME_CODE_PATTERN, OPAQUE_TOKEN_PATTERN } from '../token-shapes.js';
import { EmailField, PASSWORD_MAX_LENGTH, PasswordField } from './fields.js';

const EMAIL_DOC = { format: 'email', maxLength: 320, example: 'user@example.com', description: 'Trimmed and lower-cased' } as const;
const CODE_DOC = { pattern: ONE_TIME_CODE_PATTERN.source, example: '123456' } as const;

export class SendEmailRequest {
  @ApiProperty(EMAIL_DOC)
  @EmailField()
  email: string;

  @ApiPropertyOptional({
    format: 'uri',
    maxLength: 2048,
    description: 'Link method: where the emailed link lands (required then; must be an allowed redirect URL)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'Invalid URL' })
  @MaxLength(2048)
  redirectTo?: string;
}

export class SendOtpRequest {
  @ApiProperty(EMAIL_DOC)
  @EmailField()
  email: string;
}

export class VerifyEmailRequest {
  @ApiProperty(EMAIL_DOC)
  @EmailField()
  email: string;

  @ApiProperty({ ...CODE_DOC, description: 'The emailed 6-digit verification code' })
  @IsString({ message: 'Expected string' })
  @Matches(ONE_TIME_CODE_PATTERN, { message: 'OTP must be a 6-digit numeric code' })
  otp: string;
}

export class ExchangeResetTokenRequest {
  @ApiProperty(EMAIL_DOC)
  @EmailField()
  email: string;

  @ApiProperty({ ...CODE_DOC, description: 'The emailed 6-digit reset code' })
  @IsString({ message: 'Expected string' })
  @Matches(ONE_TIME_CODE_PATTERN, { message: 'Code must be a 6-digit numeric code' })
  code: string;
}

export class ResetPasswordRequest {
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, description: 'Must meet the password policy of GET /api/auth/public-config' })
  @PasswordField()
  newPassword: string;

  @ApiProperty({
    minLength: 1,
    description:
      'The reset token: from exchange-reset-password-token (code method) or from the reset link (link method); ' +
      'any other string, whatever its length, is 400 "Invalid or expired verification token"',
  })
  @IsString({ message: 'Expected string' })
  @MinLength(1, { message: 'Required' })
  otp: string;
}

export class TokenQuery {
  @ApiProperty({ pattern: LINK_TOKEN_PATTERN.source, description: 'The 64-character hexadecimal token from the emailed link' })
  @IsString({ message: 'Required' })
  @Matches(LINK_TOKEN_PATTERN, { message: 'token must be a 64-character hexadecimal token' })
  token: string;
}

/** 202 body of every send endpoint (the same for known and unknown emails). */
export interface AcceptedResponse {
  success: true;
  message: string;
}

/** OpenAPI schema of {@link AcceptedResponse}. */
export class AcceptedResponseDto implements AcceptedResponse {
  @ApiProperty({ enum: [true], type: 'boolean' })
  success: true;

  @ApiProperty({ example: 'If your email is registered, we have sent you a verification code. Please check your inbox.' })
  message: string;
}

/** `POST /api/auth/email/exchange-reset-password-token` */
export class ResetTokenResponseDto {
  @ApiProperty({ pattern: OPAQUE_TOKEN_PATTERN.source, description: 'Send it as `otp` to POST /api/auth/email/reset-password' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

/** `POST /api/auth/email/reset-password` */
export class ResetPasswordResponseDto {
  @ApiProperty({ example: 'Password reset successfully. Please login with your new password.' })
  message: string;
}

/** `GET /api/auth/email/verify-link` when the link stored no redirect URL (ours: InsForge always redirects). */
export class LinkVerifiedResponseDto {
  @ApiProperty({ enum: [true], type: 'boolean' })
  success: true;

  @ApiProperty({ example: 'Email verified successfully' })
  message: string;
}

/** `GET /api/auth/email/reset-password-link` when the link stored no redirect URL (ours: InsForge always redirects). */
export class ResetLinkReadyResponseDto {
  @ApiProperty({
    pattern: LINK_TOKEN_PATTERN.source,
    description: 'The same token: send it as `otp` to POST /api/auth/email/reset-password',
  })
  token: string;

  @ApiProperty({ enum: ['ready'] })
  insforge_status: 'ready';

  @ApiProperty({ enum: ['reset_password'] })
  insforge_type: 'reset_password';
}
