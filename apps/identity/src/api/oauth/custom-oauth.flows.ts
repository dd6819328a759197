import { Inject, Injectable, Logger } from '@nestjs/common';
import { CUSTOM_OAUTH_KEY, type OAuthAuthUrlResponse } from '@app/contracts';
import { ApiError, invalidInput, RateLimits, type RequestMeta } from '@app/core';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import { RedirectCheck } from '../../core/sign-in/redirect-check.js';
import { CustomOidcClient } from '../../core/oauth/custom-oidc.client.js';
import { ExchangeCodes } from '../../core/oauth/exchange-codes.js';
import { OAuthAccounts } from '../../core/sign-in/oauth-accounts.service.js';
import { type CustomOAuthProviderConfig, OAuthProviderConfigs } from '../../core/oauth/oauth-configs.service.js';
import { OAuthStates } from '../../core/oauth/oauth-states.js';
import { ProviderError } from '../../core/oauth/provider-client.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { parseAuthorizeQuery } from './authorize-query.js';

const invalidKey = () => invalidInput('Invalid custom OAuth key');
const notFound = (key: string) => new ApiError(404, 'AUTH_OAUTH_CONFIG_NOT_FOUND', `Custom OAuth provider ${key} not found`);
const invalidState = () => invalidInput('Invalid state parameter');

/** The state's provider for a custom key: never equal to a built-in provider's name. */
const stateProvider = (key: string) => `custom:${key}`;

const withParam = (redirectUri: string, name: string, value: string): string => {
  const url = new URL(redirectUri);
  url.searchParams.set(name, value);
  return url.href;
};

/**
 * Sign-in through a custom OpenID Connect provider (`/api/auth/oauth/custom/:key`): the same
 * PKCE flow as the built-in providers (signed single-use state bound to the provider, the app's
 * redirect URI and challenge; `insforge_code` exchanged at POST /api/auth/oauth/exchange; the
 * account resolved by OAuthAccounts), with the provider found by its admin-configured discovery
 * URL. Nothing in a request chooses what the server fetches: only the key, which must name a
 * configured provider.
 */
@Injectable()
export class CustomOAuthFlows {
  private readonly logger = new Logger('CustomOAuthFlows');

  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly configs: OAuthProviderConfigs,
    private readonly client: CustomOidcClient,
    private readonly states: OAuthStates,
    private readonly codes: ExchangeCodes,
    private readonly accounts: OAuthAccounts,
    private readonly redirects: RedirectCheck,
    private readonly authConfig: AuthConfigService,
    private readonly limits: RateLimits,
  ) {}

  callbackUrl(key: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/auth/oauth/custom/${key}/callback`;
  }

  async authorize(key: string, query: Record<string, unknown>, meta: RequestMeta): Promise<OAuthAuthUrlResponse> {
    if (!CUSTOM_OAUTH_KEY.test(key)) throw invalidKey();
    await this.limits.consume('oauth:ip', meta.ip);
    const q = parseAuthorizeQuery(query);
    await this.assertRedirectAllowed(q.redirectUri);
    const provider = await this.provider(key);
    const { flow } = await this.states.issue({ provider: stateProvider(key), redirectUri: q.redirectUri, codeChallenge: q.codeChallenge });
    try {
      return { authUrl: await this.client.authorizationUrl(provider, this.callbackUrl(key), flow, q.extra) };
    } catch (err) {
      this.logger.warn(`${key} discovery failed: ${err instanceof Error ? err.message : String(err)}${detail(err)}`);
      throw new ApiError(
        500,
        'AUTH_OAUTH_CONFIG_ERROR',
        `${key} OAuth is not properly configured. Please check your oauth configurations.`,
      );
    }
  }

  /** As for built-in providers: a bad state is a JSON 400; everything after it goes back to the app. */
  async callback(key: string, params: Record<string, unknown>, meta: RequestMeta): Promise<string> {
    if (!CUSTOM_OAUTH_KEY.test(key)) throw invalidKey();
    await this.limits.consume('oauth:ip', meta.ip);
    const state = params.state;
    if (state === undefined || state === '') throw invalidInput('State parameter is required');
    const opened = typeof state === 'string' ? await this.states.open(state) : null;
    if (!opened || opened.claims.provider !== stateProvider(key)) throw invalidState();
    const { claims, flow } = opened;
    await this.assertRedirectAllowed(claims.redirectUri);
    if (!(await this.states.consume(claims))) throw invalidState();
    try {
      const provider = await this.provider(key);
      const strings = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      const profile = await this.client.complete(provider, this.callbackUrl(key), strings, flow);
      const user = await this.accounts.signIn(profile, meta);
      const code = await this.codes.issue({ userId: user.id, provider: key, codeChallenge: claims.codeChallenge });
      return withParam(claims.redirectUri, 'insforge_code', code);
    } catch (err) {
      const message = err instanceof ApiError || err instanceof ProviderError ? err.message : 'OAuth Authentication Failed';
      this.logger.warn(`${key} sign-in failed: ${message}${detail(err)}`);
      return withParam(claims.redirectUri, 'error', message);
    }
  }

  private async provider(key: string): Promise<CustomOAuthProviderConfig> {
    const p = await this.configs.getCustom(key);
    if (!p) throw notFound(key);
    return p;
  }

  private async assertRedirectAllowed(redirectUri: string): Promise<void> {
    this.redirects.assertAllowed(redirectUri, await this.authConfig.get());
  }
}

function detail(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.name}: ${cause.message})` : '';
}
