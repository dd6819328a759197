import { Injectable } from '@nestjs/common';
import type { PublicAuthConfig } from '@app/contracts';
import { isDependencyUnavailable } from '@app/core';
import type { AuthConfig } from './auth-config.repository.js';
import { AuthConfigRepository } from './auth-config.repository.js';
import { OAuthProviderConfigs } from '../oauth/oauth-configs.service.js';

@Injectable()
export class AuthConfigService {
  private lastPublic?: PublicAuthConfig;

  constructor(
    private readonly repo: AuthConfigRepository,
    private readonly oauth: OAuthProviderConfigs,
  ) {}

  get(): Promise<AuthConfig> {
    return this.repo.get();
  }

  /**
   * Read fresh each time; while PostgreSQL is unavailable the last answer is served instead of a
   * 503 (it is public and changes rarely, and sign-up itself still reads the live settings).
   */
  async publicConfig(): Promise<PublicAuthConfig> {
    try {
      const [config, providers] = await Promise.all([this.repo.get(), this.oauth.configured()]);
      this.lastPublic = toPublicConfig(config, providers);
      return this.lastPublic;
    } catch (err) {
      if (this.lastPublic && isDependencyUnavailable(err)) return this.lastPublic;
      throw err;
    }
  }
}

/**
 * What anyone may read: the redirect allow-list is deliberately left out, as InsForge does; the
 * providers are those with a configuration (their names only).
 */
export function toPublicConfig(
  c: AuthConfig,
  providers: Pick<PublicAuthConfig, 'oAuthProviders' | 'customOAuthProviders'>,
): PublicAuthConfig {
  return {
    oAuthProviders: providers.oAuthProviders,
    customOAuthProviders: providers.customOAuthProviders,
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
