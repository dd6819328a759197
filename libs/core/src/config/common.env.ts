import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { DEFAULT_TRUSTED_PROXIES, trustedProxiesProblem } from '../http/trusted-proxies.js';
import type { Constructor } from './load-config.js';

@ValidatorConstraint({ name: 'trustedProxiesList' })
class TrustedProxiesList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && trustedProxiesProblem(value) === undefined;
  }
  defaultMessage(args: ValidationArguments): string {
    return typeof args.value === 'string' ? (trustedProxiesProblem(args.value) ?? '') : 'must be a string';
  }
}

/** `"true"`/`"false"`/`"1"`/`"0"` -> boolean; anything else stays a string and fails @IsBoolean. */
export const ToBool = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Environments in which development defaults of secrets are allowed; anything else is production. */
export const DEVELOPMENT_ENVS: readonly string[] = ['development', 'test'];

/**
 * Fails closed: a secret still at a value published in this repository (its development default,
 * or .env.example's) is refused unless NODE_ENV explicitly says development or test.
 */
@ValidatorConstraint({ name: 'notDevelopmentSecret' })
class NotDevelopmentSecret implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const env = (args.object as { NODE_ENV?: string }).NODE_ENV ?? '';
    return DEVELOPMENT_ENVS.includes(env) || !(args.constraints[0] as readonly unknown[]).includes(value);
  }
  defaultMessage(): string {
    return 'is a published development value; set your own secret (allowed only with NODE_ENV=development or test)';
  }
}

/** Marks a secret whose `publicValues` (development defaults) must never run outside development. */
export const SecretWithDevelopmentDefault = (publicValues: readonly string[]) => Validate(NotDevelopmentSecret, [publicValues]);

export class BaseEnv {
  /** Unset means production: development defaults of secrets need NODE_ENV=development or test. */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** where the API and management servers listen; `::` is IPv4 and IPv6 on one socket */
  @IsString() @IsNotEmpty() HOST = '::';

  /**
   * On SIGTERM, how long readiness answers 503 while requests are still served, so load balancers
   * stop sending before the listener closes (Kubernetes takes a probe period or two to notice).
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) SHUTDOWN_DRAIN_MS = 5000;
}

export function WithDatabase<B extends Constructor>(Base: B) {
  class DatabaseEnv extends Base {
    @IsString() @IsNotEmpty() DB_HOST = '127.0.0.1';
    @Type(() => Number) @IsInt() @Min(1) @Max(65535) DB_PORT = 5432;
    @IsString() @IsNotEmpty() DB_USER = 'auth';
    @IsString() DB_PASSWORD = 'auth';
    @IsString() @IsNotEmpty() DB_NAME = 'auth';
    @Type(() => Number) @IsInt() @Min(1) @Max(200) DB_POOL_SIZE = 10;
    /** opening a connection, and waiting for a free one when the pool is full; then 503 */
    @Type(() => Number) @IsInt() @Min(100) @Max(120_000) DB_CONNECT_TIMEOUT_MS = 3000;
    /** PostgreSQL cancels a statement running longer (statement_timeout); then 503 */
    @Type(() => Number) @IsInt() @Min(100) @Max(600_000) DB_STATEMENT_TIMEOUT_MS = 5000;
    /** PostgreSQL ends a session idle inside a transaction this long (idle_in_transaction_session_timeout) */
    @Type(() => Number) @IsInt() @Min(100) @Max(600_000) DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
  }
  return DatabaseEnv;
}

export function WithRedis<B extends Constructor>(Base: B) {
  class RedisEnv extends Base {
    @IsString() @IsNotEmpty() REDIS_HOST = '127.0.0.1';
    @Type(() => Number) @IsInt() @Min(1) @Max(65535) REDIS_PORT = 6379;
    @IsOptional() @IsString() REDIS_PASSWORD?: string;
    @Type(() => Number) @IsInt() @Min(0) @Max(15) REDIS_DB = 0;
    /** giving up on one connection attempt (the client keeps retrying in the background) */
    @Type(() => Number) @IsInt() @Min(100) @Max(120_000) REDIS_CONNECT_TIMEOUT_MS = 5000;
    /** a request-path command (rate limit, marker, health) that takes longer fails; BullMQ's blocking reads are exempt */
    @Type(() => Number) @IsInt() @Min(50) @Max(60_000) REDIS_COMMAND_TIMEOUT_MS = 1000;
  }
  return RedisEnv;
}

export function WithHttp<B extends Constructor>(Base: B) {
  class HttpEnv extends Base {
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
    PUBLIC_BASE_URL = 'http://localhost:8080';

    /** comma-separated allow-list of browser origins; credentials are allowed only for these */
    @IsString() CORS_ORIGINS = 'http://localhost:3000,http://localhost:5173';

    @Type(() => Number) @IsInt() @Min(1024) @Max(10 * 1024 * 1024) BODY_LIMIT_BYTES = 65536;

    /** IPs/CIDRs whose X-Forwarded-For/-Proto count (the edge in front of the app); `none` for nobody */
    @Validate(TrustedProxiesList) TRUSTED_PROXIES = DEFAULT_TRUSTED_PROXIES;
  }
  return HttpEnv;
}

export interface DatabaseConfig {
  DB_HOST: string;
  DB_PORT: number;
  DB_USER: string;
  DB_PASSWORD: string;
  DB_NAME: string;
  DB_POOL_SIZE: number;
  DB_CONNECT_TIMEOUT_MS: number;
  DB_STATEMENT_TIMEOUT_MS: number;
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
}
export interface RedisConfig {
  REDIS_HOST: string;
  REDIS_PORT: number;
  REDIS_PASSWORD?: string;
  REDIS_DB: number;
  REDIS_CONNECT_TIMEOUT_MS: number;
  REDIS_COMMAND_TIMEOUT_MS: number;
}
export interface HttpConfig {
  PUBLIC_BASE_URL: string;
  CORS_ORIGINS: string;
  BODY_LIMIT_BYTES: number;
  TRUSTED_PROXIES: string;
  LOG_LEVEL: string;
  NODE_ENV: string;
  HOST: string;
}
