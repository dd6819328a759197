import { Injectable, Logger } from '@nestjs/common';
import { CUSTOM_OAUTH_KEY, isOAuthProvider, OAUTH_PROVIDERS, type OAuthProvider } from '@app/contracts';
import { IdentityConfig } from '../config/identity.config.js';
import { openString, SEAL_PURPOSES, type SealedSecret, sealString } from '../common/secret-box.js';
import { OAuthConfigsRepository } from './oauth-configs.repository.js';
import { parseOAuthClients } from './providers/provider-configs.js';

/** A built-in provider's settings as the sign-in flows use them, secret opened. */
export interface OAuthProviderConfig {
  provider: OAuthProvider;
  clientId: string | null;
  /** null when none is stored, or when it no longer opens (AUTH_HMAC_SECRET changed): logged. */
  clientSecret: string | null;
  /** Kept for InsForge compatibility; the flows always use their own callback URL. */
  redirectUri: string | null;
  scopes: string[] | null;
  /** Audiences accepted for native ID tokens (besides clientId). */
  nativeClientIds: string[];
  useSharedKey: boolean;
}

/** A custom OIDC provider's settings, secret opened. `discoveryEndpoint` was set by an admin. */
export interface CustomOAuthProviderConfig {
  key: string;
  name: string;
  discoveryEndpoint: string;
  clientId: string;
  clientSecret: string | null;
}

/** The AAD a sealed client secret is bound to: it opens only on its own row. */
export const secretContext = (kind: 'provider' | 'custom', name: string) => `oauth-config:${kind}:${name}`;

/**
 * OAuth provider settings for the sign-in flows (authorize, callback, ID tokens): read from the
 * database on each use, so every replica sees an admin's change at once, with client secrets
 * opened only here.
 */
@Injectable()
export class OAuthProviderConfigs {
  private readonly logger = new Logger('OAuthProviderConfigs');

  /** Providers the operator configured in OAUTH_CLIENTS (validated at boot). */
  private readonly fromEnv: OAuthProvider[];

  constructor(
    private readonly repo: OAuthConfigsRepository,
    private readonly config: IdentityConfig,
  ) {
    this.fromEnv = Object.keys(parseOAuthClients(config.OAUTH_CLIENTS).clients).filter(isOAuthProvider);
  }

  /** The provider's settings, or null when it is not one of the eleven or not configured. */
  async get(provider: string): Promise<OAuthProviderConfig | null> {
    if (!isOAuthProvider(provider)) return null;
    const row = await this.repo.find(provider);
    if (!row) return null;
    return {
      provider: row.provider,
      clientId: row.clientId,
      clientSecret: row.clientSecret ? this.open(row.clientSecret, secretContext('provider', provider)) : null,
      redirectUri: row.redirectUri,
      scopes: row.scopes,
      nativeClientIds: row.nativeClientIds,
      useSharedKey: row.useSharedKey,
    };
  }

  /** A custom OIDC provider's settings, or null when no provider has that key. */
  async getCustom(key: string): Promise<CustomOAuthProviderConfig | null> {
    if (!CUSTOM_OAUTH_KEY.test(key)) return null;
    const row = await this.repo.findCustom(key);
    if (!row) return null;
    return {
      key: row.key,
      name: row.name,
      discoveryEndpoint: row.discoveryEndpoint,
      clientId: row.clientId,
      clientSecret: this.open(row.clientSecret, secretContext('custom', key)),
    };
  }

  /**
   * For public-config: which providers have a configuration, in the database (admin API) or in
   * the operator's OAUTH_CLIENTS (the flows use either).
   */
  async configured(): Promise<{ oAuthProviders: OAuthProvider[]; customOAuthProviders: string[] }> {
    const { providers, customKeys } = await this.repo.names();
    const all = new Set<OAuthProvider>([...providers, ...this.fromEnv]);
    return { oAuthProviders: OAUTH_PROVIDERS.filter((p) => all.has(p)), customOAuthProviders: customKeys };
  }

  /** Seals a client secret for its row (used by the admin side). */
  seal(plain: string, context: string): SealedSecret {
    return sealString(this.config.AUTH_HMAC_SECRET, SEAL_PURPOSES.OAUTH_CLIENT_SECRET, plain, context);
  }

  private open(sealed: SealedSecret, context: string): string | null {
    const plain = openString(this.config.AUTH_HMAC_SECRET, SEAL_PURPOSES.OAUTH_CLIENT_SECRET, sealed, context);
    if (plain === null) this.logger.error(`the client secret of ${context} does not open (AUTH_HMAC_SECRET changed?): set it again`);
    return plain;
  }
}
