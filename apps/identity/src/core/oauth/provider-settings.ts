import { Inject, Injectable } from '@nestjs/common';
import { IdentityConfig } from '../config/identity.config.js';
import { OAuthProviderConfigs } from './oauth-configs.service.js';
import { parseOAuthClients, ProviderConfigSource, type ProviderConfigRecord } from './providers/provider-configs.js';

/**
 * The provider settings the sign-in flows use: the admin-managed configuration
 * (`/api/auth/oauth/configs`, secrets sealed in the database) when it has credentials, else the
 * operator's OAUTH_CLIENTS (for deployments that keep provider credentials in their own secrets).
 */
@Injectable()
export class ProviderSettings extends ProviderConfigSource {
  private readonly fromEnv: Record<string, ProviderConfigRecord>;

  constructor(
    private readonly configs: OAuthProviderConfigs,
    @Inject(IdentityConfig) config: IdentityConfig,
  ) {
    super();
    this.fromEnv = parseOAuthClients(config.OAUTH_CLIENTS).clients;
  }

  async get(provider: string): Promise<ProviderConfigRecord | null> {
    const stored = await this.configs.get(provider);
    if (stored?.clientId && stored.clientSecret)
      return { clientId: stored.clientId, clientSecret: stored.clientSecret, scopes: stored.scopes };
    return Object.hasOwn(this.fromEnv, provider) ? this.fromEnv[provider]! : null;
  }
}
