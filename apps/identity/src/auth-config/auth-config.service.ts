import { Injectable } from '@nestjs/common';
import type { PublicAuthConfig } from '@app/contracts';
import type { AuthConfig } from './auth-config.entity.js';
import { AuthConfigRepository } from './auth-config.repository.js';

@Injectable()
export class AuthConfigService {
  constructor(private readonly repo: AuthConfigRepository) {}

  get(): Promise<AuthConfig> {
    return this.repo.get();
  }

  async publicConfig(): Promise<PublicAuthConfig> {
    return toPublicConfig(await this.repo.get());
  }
}

/** What anyone may read: the redirect allow-list is deliberately left out, as InsForge does. */
export function toPublicConfig(c: AuthConfig): PublicAuthConfig {
  return {
    oAuthProviders: [],
    customOAuthProviders: [],
    requireEmailVerification: c.requireEmailVerification,
    passwordMinLength: c.passwordMinLength,
    requireNumber: c.requireNumber,
    requireLowercase: c.requireLowercase,
    requireUppercase: c.requireUppercase,
    requireSpecialChar: c.requireSpecialChar,
    verifyEmailMethod: c.verifyEmailMethod,
    resetPasswordMethod: c.resetPasswordMethod,
    disableSignup: c.disableSignup,
  };
}
