import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
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
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ANON_KEY_PATTERN } from '@app/contracts';
import { BaseEnv, DEV_SMTP_SETTINGS_KEY, SecretWithDevelopmentDefault, ToBool, WithDatabase, WithHttp, WithRedis } from '@app/core';
import { parseOAuthClients } from '../oauth/providers/provider-configs.js';
import { parseEndpointOverrides } from '../oauth/providers/provider-endpoints.js';

/** Development defaults of the secrets (also in .env.example): refused unless NODE_ENV is development/test. */
export const DEV_HMAC_SECRET = 'dev-only-change-me-dev-only-change-me';
export const DEV_ANON_KEY = 'anon_' + '0'.repeat(64);
export const DEV_ADMIN_PASSWORD = 'change-this-password';

/** SameSite=None and Partitioned cookies are refused by browsers unless they are also Secure. */
@ValidatorConstraint({ name: 'needsSecureCookie' })
class NeedsSecureCookie implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const secure = (args.object as { COOKIE_SECURE?: boolean }).COOKIE_SECURE;
    return secure !== false || (value !== 'none' && value !== true);
  }
  defaultMessage(): string {
    return 'needs COOKIE_SECURE=true (browsers drop SameSite=None and Partitioned cookies that are not Secure)';
  }
}

/** A JSON variable checked by its parser, every problem named. */
@ValidatorConstraint({ name: 'jsonSetting' })
class JsonSetting implements ValidatorConstraintInterface {
  private problems: string[] = [];
  validate(value: unknown, args: ValidationArguments): boolean {
    const parse = args.constraints[0] as (v: string | undefined) => { problems: string[] };
    this.problems = parse(typeof value === 'string' ? value : undefined).problems;
    return this.problems.length === 0;
  }
  defaultMessage(): string {
    return this.problems.join('; ');
  }
}

/** identity's environment; see .env.example for what each variable means. */
export class IdentityConfig extends WithHttp(WithRedis(WithDatabase(BaseEnv))) {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) IDENTITY_PORT = 3001;
  /** health and metrics only; never routed by the edge or the Ingress */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) IDENTITY_MANAGEMENT_PORT = 9001;

  @IsUrl({ require_tld: false, require_protocol: true }) JWT_ISSUER = 'http://localhost:8080/api/auth';
  @IsString() @IsNotEmpty() JWT_AUDIENCE = 'authenticated';
  @Type(() => Number) @IsInt() @Min(60) @Max(86400) JWT_ACCESS_TTL_SECONDS = 900;
  @Type(() => Number) @IsInt() @Min(1) @Max(3600) JWT_KEY_ROTATION_CHECK_SECONDS = 60;

  @Type(() => Number) @IsInt() @Min(60) SESSION_ABSOLUTE_TTL_SECONDS = 30 * 86400;
  @Type(() => Number) @IsInt() @Min(60) SESSION_IDLE_TTL_SECONDS = 7 * 86400;
  @Type(() => Number) @IsInt() @Min(0) @Max(300) REFRESH_REUSE_GRACE_SECONDS = 10;

  @ToBool() @IsBoolean() COOKIE_SECURE = true;
  /** lax: the app is on the API's site (recommended); none (+ COOKIE_PARTITIONED): an app on another site. */
  @IsIn(['lax', 'strict', 'none']) @Validate(NeedsSecureCookie) COOKIE_SAMESITE: 'lax' | 'strict' | 'none' = 'lax';
  /** CHIPS: the browser keeps the cookie per top-level site, so it survives third-party cookie blocking. */
  @ToBool() @IsBoolean() @Validate(NeedsSecureCookie) COOKIE_PARTITIONED = false;
  /** Unset (a host-only cookie) unless several API hosts of one site must share the session. */
  @IsOptional()
  @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, {
    message: 'must be a host name such as example.com',
  })
  COOKIE_DOMAIN?: string;

  @Matches(ANON_KEY_PATTERN, { message: 'must be anon_ followed by 64 lowercase hex characters' })
  @SecretWithDevelopmentDefault([DEV_ANON_KEY])
  ANON_KEY = DEV_ANON_KEY;

  /**
   * The dashboard's admin (InsForge's names). The password has no production default: identity
   * refuses to start outside development with the published one, as for AUTH_HMAC_SECRET.
   */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  ROOT_ADMIN_USERNAME = 'admin';
  @IsString() @MinLength(12) @MaxLength(4096) @SecretWithDevelopmentDefault([DEV_ADMIN_PASSWORD]) ROOT_ADMIN_PASSWORD = DEV_ADMIN_PASSWORD;

  @Type(() => Number) @IsInt() @Min(8192) @Max(1048576) PASSWORD_ARGON2_MEMORY_KIB = 19456;
  @Type(() => Number) @IsInt() @Min(1) @Max(10) PASSWORD_ARGON2_TIME_COST = 2;
  @Type(() => Number) @IsInt() @Min(1) @Max(16) PASSWORD_ARGON2_PARALLELISM = 1;

  @IsString() @MinLength(32) @SecretWithDevelopmentDefault([DEV_HMAC_SECRET]) AUTH_HMAC_SECRET = DEV_HMAC_SECRET;
  @Type(() => Number) @IsInt() @Min(1) @Max(100000) RATE_LIMIT_MULTIPLIER = 1;

  /** how long a sign-up waits for profiles to apply its user.registered (read your writes); 0: not at all */
  @Type(() => Number) @IsInt() @Min(0) @Max(30000) SIGNUP_PROFILE_WAIT_MS = 2000;

  /** audit events older than this are deleted by a scheduled job (at least a day: the table refuses younger deletions) */
  @Type(() => Number) @IsInt() @Min(1) @Max(3650) AUDIT_RETENTION_DAYS = 90;
  /** how long an OAuth sign-in may take between the authorize request and the provider's callback */
  @Type(() => Number) @IsInt() @Min(60) @Max(3600) OAUTH_STATE_TTL_SECONDS = 600;
  /** operator-only: built-in providers' endpoints pointed elsewhere (tests, enterprise gateways); JSON, see README */
  @IsOptional() @IsString() @Validate(JsonSetting, [parseEndpointOverrides]) OAUTH_PROVIDER_ENDPOINTS?: string;
  /** OAuth client credentials per provider; JSON `{"google": {"clientId", "clientSecret"}}` */
  @IsOptional() @IsString() @Validate(JsonSetting, [parseOAuthClients]) OAUTH_CLIENTS?: string;
  /** custom OIDC providers' discovery over plain http to 127.0.0.1/[::1]/localhost (local providers, tests); https otherwise */
  @ToBool() @IsBoolean() OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK = false;
  /**
   * Seals the SMTP password saved through the admin API, at rest and in the mail jobs; the mailer
   * needs the same value to open it. Changing it makes the saved password unreadable (save it again).
   */
  @IsString() @MinLength(32) @SecretWithDevelopmentDefault([DEV_SMTP_SETTINGS_KEY]) SMTP_SETTINGS_KEY = DEV_SMTP_SETTINGS_KEY;
  /**
   * The mailer's SMTP server from its environment, when it has one. identity only checks that it is
   * set: it makes a mail setup usable (requireEmailVerification may be turned on without saved SMTP).
   */
  @IsOptional() @IsString() SMTP_HOST?: string;
  /** `host:port` entries a saved SMTP server may use although internal or on another port (an internal relay) */
  @IsOptional() @IsString() SMTP_ALLOWED_TARGETS?: string;

  @IsString() @IsNotEmpty() GORB_INSTANCE_DOMAIN = 'localhost';
  @Type(() => Number) @IsInt() @Min(60) @Max(30 * 86400) GORB_ACCESS_TTL_SECONDS = 86400;
}
