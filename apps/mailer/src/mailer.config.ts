import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { BaseEnv, ToBool, WithRedis } from '@app/core';

/** The mailer's environment (no database: it owns templates and delivery only). */
export class MailerConfig extends WithRedis(BaseEnv) {
  /** the mailer's only port: health and metrics (it has no API) */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) MAILER_MANAGEMENT_PORT = 9003;
  @Type(() => Number) @IsInt() @Min(1) @Max(200) MAILER_CONCURRENCY = 5;
  /** a job whose worker stops renewing its lock (killed) is taken over after about this long */
  @Type(() => Number) @IsInt() @Min(1000) MAILER_LOCK_MS = 30000;
  @Type(() => Number) @IsInt() @Min(500) MAILER_STALLED_INTERVAL_MS = 30000;

  @IsString() @IsNotEmpty() MAIL_FROM = 'Auth Platform <no-reply@localhost>';
  @IsOptional() @IsString() SMTP_HOST?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SMTP_PORT = 587;
  @ToBool() @IsBoolean() SMTP_SECURE = false;
  @IsOptional() @IsString() SMTP_USER?: string;
  @IsOptional() @IsString() SMTP_PASSWORD?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(100) SMTP_POOL_SIZE = 5;
  @IsString() @IsNotEmpty() MAIL_OUTBOX_DIR = '.data/outbox';
  @IsOptional() @IsString() MAIL_TEMPLATES_DIR?: string;
}
