import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import type { CustomOAuthProviderConfig } from './oauth-configs.service.js';
import { challengeOf, type FlowBinding, ProviderError, RESERVED_AUTHORIZATION_PARAMS } from './provider-client.js';
import { fetchableUrlProblem } from './providers/provider-endpoints.js';
import { fromOidcClaims, ProfileError, type ProviderProfile } from './providers/provider-profile.js';

const DISCOVERY_TTL_MS = 10 * 60_000;
const HTTP_TIMEOUT_SECONDS = 10;
const SCOPES = 'openid email profile';

/**
 * Why a custom provider's discovery URL may not be fetched, or null. The URL is set by an admin
 * (never taken from a sign-in request), must be https with no credentials or fragment, and may be
 * plain http only to this machine's loopback when the operator allows it
 * (OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK, for local providers and the tests).
 */
export const discoveryUrlProblem = (value: string, allowHttpLoopback: boolean): string | null =>
  fetchableUrlProblem(value, allowHttpLoopback);

/**
 * A custom OpenID Connect provider, found by its discovery document (openid-client): the
 * authorization URL with state, PKCE (S256) and nonce; the code exchange with the client secret
 * (client_secret_basic), state, `iss`, PKCE and ID token checks (signature from the provider's
 * JWKS, issuer, audience, nonce); the profile from the ID token, or its userinfo endpoint when the
 * token carries no email. Discovery documents are cached ten minutes per configuration.
 */
@Injectable()
export class CustomOidcClient {
  private readonly discovered = new Map<string, { until: number; config: Promise<oidc.Configuration> }>();

  constructor(@Inject(IdentityConfig) private readonly config: IdentityConfig) {}

  async authorizationUrl(
    p: CustomOAuthProviderConfig,
    redirectUri: string,
    flow: FlowBinding,
    extra: Record<string, string>,
  ): Promise<string> {
    const config = await this.configuration(p);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(extra)) if (!RESERVED_AUTHORIZATION_PARAMS.has(k)) params[k] = v;
    Object.assign(params, {
      redirect_uri: redirectUri,
      scope: SCOPES,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: challengeOf(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    return oidc.buildAuthorizationUrl(config, params).href;
  }

  /** Exchanges the callback's code and reads the profile; throws ProviderError on any failure. */
  async complete(
    p: CustomOAuthProviderConfig,
    redirectUri: string,
    callback: Record<string, string>,
    flow: FlowBinding,
  ): Promise<ProviderProfile> {
    try {
      const config = await this.configuration(p);
      const current = new URL(redirectUri);
      for (const k of ['code', 'state', 'iss', 'error', 'error_description'])
        if (typeof callback[k] === 'string') current.searchParams.set(k, callback[k]);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        expectedState: flow.state,
        pkceCodeVerifier: flow.codeVerifier,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new ProfileError(`${p.key} sent no ID token`);
      if (typeof claims.email === 'string' || !config.serverMetadata().userinfo_endpoint) return fromOidcClaims(p.key, claims);
      return fromOidcClaims(p.key, { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), sub: claims.sub });
    } catch (err) {
      throw toProviderError(p.key, err);
    }
  }

  /** The provider's metadata and our client registration, from its discovery document. */
  private configuration(p: CustomOAuthProviderConfig): Promise<oidc.Configuration> {
    if (!p.clientSecret) return Promise.reject(new ProviderError(`${p.key} OAuth is not properly configured`));
    const problem = discoveryUrlProblem(p.discoveryEndpoint, this.config.OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK);
    if (problem) return Promise.reject(new ProviderError(`${p.key} discovery endpoint ${problem}`));
    const id = [p.key, p.discoveryEndpoint, p.clientId, sha256(p.clientSecret).toString('hex')].join('\n');
    const cached = this.discovered.get(id);
    if (cached && cached.until > Date.now()) return cached.config;
    const url = new URL(p.discoveryEndpoint);
    const config = oidc
      .discovery(url, p.clientId, { client_secret: p.clientSecret }, oidc.ClientSecretBasic(p.clientSecret), {
        execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: HTTP_TIMEOUT_SECONDS,
      })
      .then((c) => {
        c.timeout = HTTP_TIMEOUT_SECONDS;
        // Plain http was allowed for the loopback discovery URL: every endpoint the document names
        // must then pass the same rule (it must not send the next requests to another host in clear).
        const m = c.serverMetadata();
        for (const u of [m.authorization_endpoint, m.token_endpoint, m.userinfo_endpoint, m.jwks_uri]) {
          const bad = u && discoveryUrlProblem(u, this.config.OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK);
          if (bad) throw new ProviderError(`${p.key} discovery document names an endpoint that ${bad}`);
        }
        return c;
      });
    // A failed discovery is not cached: the next sign-in tries again.
    config.catch(() => this.discovered.delete(id));
    this.discovered.set(id, { until: Date.now() + DISCOVERY_TTL_MS, config });
    for (const [k, v] of this.discovered) if (v.until <= Date.now()) this.discovered.delete(k);
    return config;
  }
}

function toProviderError(key: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    const code = typeof err.error === 'string' && /^[\w .:-]{1,100}$/.test(err.error) ? err.error : undefined;
    return new ProviderError(code ?? 'OAuth Authentication Failed');
  }
  if (err instanceof ProfileError) return new ProviderError(err.message);
  return Object.assign(new ProviderError(`${key} OAuth Authentication Failed`), { cause: err });
}
