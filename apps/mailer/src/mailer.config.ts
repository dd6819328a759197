import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { BaseEnv, DEV_SMTP_SETTINGS_KEY, SecretWithDevelopmentDefault, ToBool, WithRedis } from '@app/core';
import { domainOf, HEX_COLOR, HOST_NAME } from '@app/core/mail/mail-branding.js';

/** MAIL_FROM must name an address with a domain: Message-IDs are made on it. */
@ValidatorConstraint({ name: 'addressWithDomain' })
class AddressWithDomain implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && domainOf(value) !== undefined;
  }
  defaultMessage(): string {
    return 'must be an address with a domain, such as "Acme <no-reply@mail.acme.com>"';
  }
}

const HTTP_URL = { require_protocol: true, protocols: ['http', 'https'], require_tld: false };

/** The mailer's environment (no database: it owns templates and delivery only). */
export class MailerConfig extends WithRedis(BaseEnv) {
  /** the mailer's only port: health and metrics (it has no API) */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) MAILER_MANAGEMENT_PORT = 9003;
  @Type(() => Number) @IsInt() @Min(1) @Max(200) MAILER_CONCURRENCY = 5;
  /** a job whose worker stops renewing its lock (killed) is taken over after about this long */
  @Type(() => Number) @IsInt() @Min(1000) MAILER_LOCK_MS = 30000;
  @Type(() => Number) @IsInt() @Min(500) MAILER_STALLED_INTERVAL_MS = 30000;

  @IsString() @IsNotEmpty() @Validate(AddressWithDomain) MAIL_FROM = 'Auth Platform <no-reply@localhost>';
  /** the domain of Message-IDs; MAIL_FROM's domain when unset */
  @IsOptional() @Matches(HOST_NAME, { message: 'must be a host name such as mail.example.com' }) MAIL_DOMAIN?: string;
  @IsOptional() @IsString() SMTP_HOST?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SMTP_PORT = 587;
  @ToBool() @IsBoolean() SMTP_SECURE = false;
  @IsOptional() @IsString() SMTP_USER?: string;
  @IsOptional() @IsString() SMTP_PASSWORD?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(100) SMTP_POOL_SIZE = 5;
  /** bounded waits on the SMTP server: TCP connect, its greeting, and silence on an open socket */
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) SMTP_CONNECTION_TIMEOUT_MS = 10_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) SMTP_GREETING_TIMEOUT_MS = 10_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) SMTP_SOCKET_TIMEOUT_MS = 30_000;
  /** opens the SMTP password saved through identity's admin API (the same value as identity's) */
  @IsString() @MinLength(32) @SecretWithDevelopmentDefault([DEV_SMTP_SETTINGS_KEY]) SMTP_SETTINGS_KEY = DEV_SMTP_SETTINGS_KEY;
  /** `host:port` entries a saved SMTP server may use although internal or on another port (as identity's) */
  @IsOptional() @IsString() SMTP_ALLOWED_TARGETS?: string;
  @IsString() @IsNotEmpty() MAIL_OUTBOX_DIR = '.data/outbox';
  @IsOptional() @IsString() MAIL_TEMPLATES_DIR?: string;

  // Branding of every mail (HTML-escaped where they are used; URLs and the colour checked here).
  @IsString() @IsNotEmpty() @MaxLength(80) @Matches(/^[^\r\n]*$/, { message: 'must be one line' }) MAIL_PRODUCT_NAME = 'Auth Platform';
  @IsUrl(HTTP_URL) MAIL_PRODUCT_URL = 'http://localhost:8080';
  /** an image of about 32 px height; unset: the product name in text */
  @IsOptional() @IsUrl(HTTP_URL) MAIL_LOGO_URL?: string;
  @Matches(HEX_COLOR, { message: 'must be a hex colour such as #2563eb' }) MAIL_BRAND_COLOR = '#2563eb';

  get mailDomain(): string {
    return this.MAIL_DOMAIN ?? domainOf(this.MAIL_FROM)!;
  }
}
