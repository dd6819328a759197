import { IsOptional, IsString, IsUrl, Matches, MaxLength, MinLength } from 'class-validator';
import { EmailField, PasswordField } from './fields.js';

export class SendEmailRequest {
  @EmailField() email: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'Invalid URL' })
  @MaxLength(2048)
  redirectTo?: string;
}

export class SendOtpRequest {
  @EmailField() email: string;
}

export class VerifyEmailRequest {
  @EmailField() email: string;
  @IsString({ message: 'Expected string' }) @Matches(/^\d{6}$/, { message: 'OTP must be a 6-digit numeric code' }) otp: string;
}

export class ExchangeResetTokenRequest {
  @EmailField() email: string;
  @IsString({ message: 'Expected string' }) @Matches(/^\d{6}$/, { message: 'Code must be a 6-digit numeric code' }) code: string;
}

export class ResetPasswordRequest {
  @PasswordField() newPassword: string;
  @IsString({ message: 'Expected string' }) @MinLength(1, { message: 'Required' }) @MaxLength(128) otp: string;
}

export class TokenQuery {
  @IsString({ message: 'Required' })
  @Matches(/^[a-fA-F0-9]{64}$/, { message: 'token must be a 64-character hexadecimal token' })
  token: string;
}

/** 202 body of every send endpoint (the same for known and unknown emails). */
export interface AcceptedResponse {
  success: true;
  message: string;
}
