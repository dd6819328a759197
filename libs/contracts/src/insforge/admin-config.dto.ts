import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { EMAIL_TEMPLATES, type EmailTemplate } from '../queues.js';

const METHODS = ['code', 'link'] as const;
const enumMessage = (values: readonly (string | number)[]) => `Invalid enum value. Expected ${values.map((v) => `'${v}'`).join(' | ')}`;
const BOOL = { message: 'Expected boolean' };

/** Redirect allow-list entries: http(s) URLs or globs of them, as the redirect check matches them. */
export const REDIRECT_PATTERN_MAX = 2048;
export const REDIRECT_PATTERNS_MAX = 100;

@ValidatorConstraint({ name: 'redirectPattern' })
export class RedirectPattern implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > REDIRECT_PATTERN_MAX || /\s/.test(value)) return false;
    const m = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(value);
    if (!m || !/[a-z0-9]/i.test(m[2]!)) return false;
    // The glob characters stand for something a URL could hold: replaced, the rest must parse.
    try {
      const url = new URL(value.replace(/[*?[\]]/g, 'x'));
      return !url.username && !url.password;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'Invalid URL or wildcard URL';
  }
}

/** `GET /api/auth/config`: the whole auth policy (admin only). */
export class AuthConfigDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() requireEmailVerification: boolean;
  @ApiProperty({ type: 'integer', minimum: 4, maximum: 128 }) passwordMinLength: number;
  @ApiProperty() requireNumber: boolean;
  @ApiProperty() requireLowercase: boolean;
  @ApiProperty() requireUppercase: boolean;
  @ApiProperty() requireSpecialChar: boolean;
  @ApiProperty({ enum: METHODS, description: 'code = 6-digit code, link = emailed link' }) verifyEmailMethod: 'code' | 'link';
  @ApiProperty({ enum: METHODS, description: 'code = 6-digit code and exchange, link = emailed link' })
  resetPasswordMethod: 'code' | 'link';
  @ApiProperty({
    type: [String],
    description: 'Where auth redirects may go (exact URLs or globs). Empty: only PUBLIC_BASE_URL and CORS_ORIGINS origins.',
  })
  allowedRedirectUrls: string[];
  @ApiProperty({ description: 'When true, public sign-up is refused with 403 AUTH_SIGNUP_DISABLED; admin-created users are not.' })
  disableSignup: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
export type AuthConfigResponse = AuthConfigDto;

/** `PUT /api/auth/config`: any subset of the policy; absent (or null) fields keep their value. */
export class UpdateAuthConfigRequest {
  @ApiPropertyOptional({ description: 'Needs a usable mail setup: saved SMTP enabled, or SMTP_HOST configured' })
  @IsOptional()
  @IsBoolean(BOOL)
  requireEmailVerification?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 4, maximum: 128 })
  // class-validator runs the decorators nearest the property first: the type check goes last
  @IsOptional()
  @Max(128, { message: 'Number must be less than or equal to 128' })
  @Min(4, { message: 'Number must be greater than or equal to 4' })
  @IsInt({ message: 'Expected integer' })
  passwordMinLength?: number;

  @ApiPropertyOptional() @IsOptional() @IsBoolean(BOOL) requireNumber?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean(BOOL) requireLowercase?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean(BOOL) requireUppercase?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean(BOOL) requireSpecialChar?: boolean;

  @ApiPropertyOptional({ enum: METHODS })
  @IsOptional()
  @IsIn(METHODS, { message: enumMessage(METHODS) })
  verifyEmailMethod?: 'code' | 'link';

  @ApiPropertyOptional({ enum: METHODS })
  @IsOptional()
  @IsIn(METHODS, { message: enumMessage(METHODS) })
  resetPasswordMethod?: 'code' | 'link';

  @ApiPropertyOptional({
    type: [String],
    maxItems: REDIRECT_PATTERNS_MAX,
    description: 'http(s) URLs or globs (`*` within a segment, `**` across); at most 100 of at most 2048 characters',
  })
  @IsOptional()
  @Validate(RedirectPattern, { each: true })
  @ArrayMaxSize(REDIRECT_PATTERNS_MAX, { message: `Array must contain at most ${REDIRECT_PATTERNS_MAX} element(s)` })
  @IsArray({ message: 'Expected array' })
  allowedRedirectUrls?: string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean(BOOL) disableSignup?: boolean;
}

export const SMTP_PORTS = [25, 465, 587, 2525] as const;

/** `GET /api/auth/smtp-config`: the saved SMTP settings; the password is never returned. */
export class SmtpConfigDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty() host: string;
  @ApiProperty({ type: 'integer' }) port: number;
  @ApiProperty() username: string;
  @ApiProperty({ description: 'Whether a password is set (the password itself is never returned)' }) hasPassword: boolean;
  @ApiProperty() senderEmail: string;
  @ApiProperty() senderName: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) minIntervalSeconds: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
export type SmtpConfigResponse = SmtpConfigDto;

/** No control characters at all (CR and LF included): these values become SMTP commands and headers. */
const ONE_LINE = /^\P{Cc}*$/u;

/** `PUT /api/auth/smtp-config`. When `enabled`, host, username, senderEmail and senderName are required. */
export class UpsertSmtpConfigRequest {
  @ApiProperty({ description: 'When true, host, username, senderEmail and senderName are required' })
  @IsBoolean(BOOL)
  enabled: boolean;

  @ApiPropertyOptional({ maxLength: 253, default: '', description: 'A public host name or address (see README: SMTP host policy)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:[\]-]*$/, { message: 'SMTP host must be a host name or an IP address' })
  @MaxLength(253, { message: 'SMTP host is too long' })
  @IsString({ message: 'Expected string' })
  host?: string;

  @ApiProperty({ type: 'integer', enum: SMTP_PORTS, description: 'Other ports only for SMTP_ALLOWED_TARGETS entries' })
  @IsInt({ message: 'Port must be one of: 25, 465, 587, 2525' })
  port: number;

  @ApiPropertyOptional({ maxLength: 320, default: '' })
  @IsOptional()
  @Matches(ONE_LINE, { message: 'SMTP username must be one line without control characters' })
  @MaxLength(320, { message: 'SMTP username is too long' })
  @IsString({ message: 'Expected string' })
  username?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1024, description: 'Omit to keep the saved one' })
  @IsOptional()
  @Matches(ONE_LINE, { message: 'SMTP password must not contain control characters' })
  @MaxLength(1024, { message: 'SMTP password is too long' })
  @MinLength(1, { message: 'SMTP password is required' })
  @IsString({ message: 'Expected string' })
  password?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 320, default: '' })
  @IsOptional()
  @MaxLength(320, { message: 'Invalid sender email' })
  @IsString({ message: 'Expected string' })
  senderEmail?: string;

  @ApiPropertyOptional({ maxLength: 100, default: '' })
  @IsOptional()
  @Matches(ONE_LINE, { message: 'Sender name must be one line without control characters' })
  @MaxLength(100, { message: 'Sender name must be at most 100 characters' })
  @IsString({ message: 'Expected string' })
  senderName?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 86400, default: 60 })
  @IsOptional()
  @Max(86400, { message: 'Number must be less than or equal to 86400' })
  @Min(0, { message: 'Number must be greater than or equal to 0' })
  @IsInt({ message: 'Expected integer' })
  minIntervalSeconds?: number;
}

/** Limits of a saved template: a subject is one header line; the body fits the request size limit. */
export const TEMPLATE_SUBJECT_MAX = 300;
export const TEMPLATE_BODY_MAX = 50_000;

/** One mail template as the admin API shows it (the built-in one until a template is saved). */
export class EmailTemplateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EMAIL_TEMPLATES }) templateType: EmailTemplate;
  @ApiProperty() subject: string;
  @ApiProperty() bodyHtml: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
export type EmailTemplateResponse = EmailTemplateDto;

export class EmailTemplateListDto {
  @ApiProperty({ type: [EmailTemplateDto] }) data: EmailTemplateDto[];
}

export class EmailTemplateTypeParam {
  @ApiProperty({ enum: EMAIL_TEMPLATES })
  @IsIn(EMAIL_TEMPLATES, { message: `Invalid template type. Must be one of: ${EMAIL_TEMPLATES.join(', ')}` })
  type: EmailTemplate;
}

/** `PUT /api/auth/email-templates/:type`: Handlebars; `{{ token }}`, `{{ link }}`, `{{ name }}`, `{{ email }}` and the branding. */
export class UpdateEmailTemplateRequest {
  @ApiProperty({ minLength: 1, maxLength: TEMPLATE_SUBJECT_MAX, example: '{{ token }} is your verification code' })
  @Matches(/^[^\r\n]*$/, { message: 'Subject must be one line' })
  @MaxLength(TEMPLATE_SUBJECT_MAX, { message: `Subject must be at most ${TEMPLATE_SUBJECT_MAX} characters` })
  @MinLength(1, { message: 'Subject is required' })
  @IsString({ message: 'Expected string' })
  subject: string;

  @ApiProperty({ minLength: 1, maxLength: TEMPLATE_BODY_MAX, example: '<p>Your code is <b>{{ token }}</b></p>' })
  @MaxLength(TEMPLATE_BODY_MAX, { message: `Template body must be at most ${TEMPLATE_BODY_MAX} characters` })
  @MinLength(1, { message: 'Template body is required' })
  @IsString({ message: 'Expected string' })
  bodyHtml: string;
}
