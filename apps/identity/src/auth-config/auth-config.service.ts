import { Injectable } from '@nestjs/common';
import type { PublicAuthConfig } from '@app/contracts';
import { isDependencyUnavailable } from '@app/core';
import type { AuthConfig } from './auth-config.entity.js';
import { AuthConfigRepository } from './auth-config.repository.js';

@Injectable()
export class AuthConfigService {
  private lastPublic?: PublicAuthConfig;

  constructor(private readonly repo: AuthConfigRepository) {}

  get(): Promise<AuthConfig> {
    return this.repo.get();
  }

  /**
   * Read fresh each time; while PostgreSQL is unavailable the last answer is served instead of a
   * 503 (it is public and changes rarely, and sign-up itself still reads the live settings).
   */
  async publicConfig(): Promise<PublicAuthConfig> {
    try {
      this.lastPublic = toPublicConfig(await this.repo.get());
      return this.lastPublic;
    } catch (err) {
      if (this.lastPublic && isDependencyUnavailable(err)) return this.lastPublic;
      throw err;
    }
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
