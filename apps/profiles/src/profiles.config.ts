import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, IsUrl, Max, Min } from 'class-validator';
import { JWKS_REFRESH_SECONDS } from '@app/auth';
import { BaseEnv, WithDatabase, WithHttp, WithRedis } from '@app/core';

/** profiles' environment. It verifies access tokens with identity's public keys (JWKS_URL) only. */
export class ProfilesConfig extends WithHttp(WithRedis(WithDatabase(BaseEnv))) {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) PROFILES_PORT = 3002;
  /** health and metrics only; never routed by the edge or the Ingress */
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) PROFILES_MANAGEMENT_PORT = 9002;
  @IsUrl({ require_tld: false, require_protocol: true }) JWKS_URL = 'http://127.0.0.1:3001/.well-known/jwks.json';
  /** identity's public keys are fetched again this often; a retired key stops verifying within it */
  @Type(() => Number)
  @IsInt()
  @Min(JWKS_REFRESH_SECONDS.min)
  @Max(JWKS_REFRESH_SECONDS.max)
  JWKS_REFRESH_SECONDS: number = JWKS_REFRESH_SECONDS.default;
  @IsUrl({ require_tld: false, require_protocol: true }) JWT_ISSUER = 'http://localhost:8080/api/auth';
  @IsString() @IsNotEmpty() JWT_AUDIENCE = 'authenticated';
}
