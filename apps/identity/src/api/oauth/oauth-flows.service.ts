import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientKind, OAuthAuthUrlResponse, OAuthExchangeRequest, SessionTokensResponse } from '@app/contracts';
import { ApiError, invalidInput, RateLimits, type RequestMeta, Sql } from '@app/core';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';
import { safeEqual } from '../../core/common/secrets.js';
import { ExchangeCodes } from '../../core/oauth/exchange-codes.js';
import { OAuthAccounts } from '../../core/sign-in/oauth-accounts.service.js';
import { OAuthStates } from '../../core/oauth/oauth-states.js';
import { ProviderConfigSource } from '../../core/oauth/providers/provider-configs.js';
import { isOAuthProviderId, OAUTH_PROVIDER_IDS, type OAuthProviderId } from '../../core/oauth/providers/provider-catalog.js';
import { challengeOf, ProviderClient, ProviderError, type ProviderCredentials } from '../../core/oauth/provider-client.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { UsersRepository } from '../../core/users/users.repository.js';
import { RedirectCheck } from '../../core/sign-in/redirect-check.js';
import { SessionIssuer } from '../../core/sign-in/session-issuer.js';
import type { AuthResult } from '../../core/sign-in/session-result.js';
import { appleUserName } from './apple-user.js';
import { parseAuthorizeQuery } from './authorize-query.js';

const invalidState = () => invalidInput('Invalid state parameter');

/** InsForge's answer for a provider without a usable configuration (501 here: see the README). */
const notConfigured = (provider: string) =>
  new ApiError(501, 'AUTH_OAUTH_CONFIG_ERROR', `${provider} OAuth is not properly configured. Please check your oauth configurations.`);

/** What a callback sends to the app: `redirect_uri?insforge_code=` or `?error=`. */
const withParam = (redirectUri: string, name: string, value: string): string => {
  const url = new URL(redirectUri);
  url.searchParams.set(name, value);
  return url.href;
};

/**
 * The OAuth sign-in front door (InsForge's PKCE flow): authorize → provider → callback →
 * `insforge_code` → exchange. The callback URL is ours (PUBLIC_BASE_URL); the app's redirect URI
 * must be on the allow-list, at authorize time and again at the callback.
 */
@Injectable()
export class OAuthFlows {
  private readonly logger = new Logger('OAuthFlows');

  constructor(
    private readonly sql: Sql,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly states: OAuthStates,
    private readonly codes: ExchangeCodes,
    private readonly client: ProviderClient,
    private readonly configs: ProviderConfigSource,
    private readonly accounts: OAuthAccounts,
    private readonly issuer: SessionIssuer,
    private readonly redirects: RedirectCheck,
    private readonly authConfig: AuthConfigService,
    private readonly users: UsersRepository,
    private readonly limits: RateLimits,
  ) {}

  /** Our callback URL for a provider (what is registered at the provider). */
  callbackUrl(provider: OAuthProviderId): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/auth/oauth/${provider}/callback`;
  }

  async authorize(provider: string, query: Record<string, unknown>, meta: RequestMeta): Promise<OAuthAuthUrlResponse> {
    if (!isOAuthProviderId(provider))
      throw invalidInput(`Unsupported OAuth provider: ${provider}. Supported providers: ${OAUTH_PROVIDER_IDS.join(', ')}`);
    await this.limits.consume('oauth:ip', meta.ip);
    const q = parseAuthorizeQuery(query);
    await this.assertRedirectAllowed(q.redirectUri);
    const creds = await this.credentials(provider);
    const { flow } = await this.states.issue({ provider, redirectUri: q.redirectUri, codeChallenge: q.codeChallenge });
    return { authUrl: this.client.authorizationUrl(provider, creds, this.callbackUrl(provider), flow, q.extra) };
  }

  /**
   * A bad state is InsForge's JSON 400 (there is no app to send the user back to); anything after
   * the state checks out goes back to the app as `?error=`.
   */
  async callback(provider: string, params: Record<string, unknown>, meta: RequestMeta): Promise<string> {
    await this.limits.consume('oauth:ip', meta.ip);
    const state = params.state;
    if (state === undefined || state === '') throw invalidInput('State parameter is required');
    const opened = typeof state === 'string' ? await this.states.open(state) : null;
    if (!opened || opened.claims.provider !== provider || !isOAuthProviderId(provider)) throw invalidState();
    const { claims, flow } = opened;
    await this.assertRedirectAllowed(claims.redirectUri);
    if (!(await this.states.consume(claims))) throw invalidState();
    try {
      const creds = await this.credentials(provider);
      const strings = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      const profile = await this.client.complete(provider, creds, this.callbackUrl(provider), strings, flow);
      if (provider === 'apple' && !profile.name) profile.name = appleUserName(params.user);
      const user = await this.accounts.signIn(profile, meta);
      const code = await this.codes.issue({ userId: user.id, provider, codeChallenge: claims.codeChallenge });
      return withParam(claims.redirectUri, 'insforge_code', code);
    } catch (err) {
      const message = err instanceof ApiError || err instanceof ProviderError ? err.message : 'OAuth Authentication Failed';
      this.logger.warn(`${provider} sign-in failed: ${message}${errorDetail(err)}`);
      return withParam(claims.redirectUri, 'error', message);
    }
  }

  async exchange(body: OAuthExchangeRequest, client: ClientKind, meta: RequestMeta): Promise<AuthResult<SessionTokensResponse>> {
    await this.limits.consume('oauth-exchange:ip', meta.ip);
    const grant = await this.codes.take(body.code);
    if (!grant) throw invalidInput('Invalid or expired code');
    if (!safeEqual(Buffer.from(challengeOf(body.code_verifier)), Buffer.from(grant.codeChallenge)))
      throw new ApiError(400, 'AUTH_UNAUTHORIZED', 'PKCE verification failed');
    const user = await this.users.findById(grant.userId);
    if (!user) throw new ApiError(404, 'AUTH_USER_NOT_FOUND', 'User not found');
    const s = await this.sql.transaction((tx) => this.issuer.start(tx, user.id, client, meta, { method: `oauth:${grant.provider}` }));
    return this.issuer.issue(user, s.session, s.refreshToken, client);
  }

  private async assertRedirectAllowed(redirectUri: string): Promise<void> {
    this.redirects.assertAllowed(redirectUri, await this.authConfig.get());
  }

  private async credentials(provider: OAuthProviderId): Promise<ProviderCredentials> {
    const c = await this.configs.get(provider);
    if (!c?.clientId || !c.clientSecret) throw notConfigured(provider);
    return { clientId: c.clientId, clientSecret: c.clientSecret, scopes: c.scopes };
  }
}

function errorDetail(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.name}: ${cause.message})` : '';
}
