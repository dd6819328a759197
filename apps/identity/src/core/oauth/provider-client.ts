import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { IdentityConfig } from '../config/identity.config.js';
import { type OAuthProviderId, PROVIDERS, type ProviderEndpoints, type ProviderSpec } from './providers/provider-catalog.js';
import { type EndpointOverrides, endpointsOf, parseEndpointOverrides } from './providers/provider-endpoints.js';
import {
  fromDiscord,
  fromFacebook,
  fromGithub,
  fromInstagram,
  fromMicrosoft,
  fromOidcClaims,
  fromSpotify,
  fromTiktok,
  fromX,
  ProfileError,
  type ProviderProfile,
} from './providers/provider-profile.js';

/** The application's registration at a provider (from the provider configuration). */
export interface ProviderCredentials {
  clientId: string;
  /** Apple: a JSON object `{teamId, keyId, privateKey}` (as InsForge stores it) */
  clientSecret: string;
  /** replaces the provider's default scopes when set */
  scopes?: string[] | null;
}

/** Per-flow values bound to the state: the provider-side PKCE verifier and the OIDC nonce. */
export interface FlowBinding {
  state: string;
  codeVerifier: string;
  nonce: string;
}

/**
 * Authorization parameters a caller's extras can never set: ours, and those that would change
 * what the provider answers or where (a request object, a response mode, a second client).
 */
export const RESERVED_AUTHORIZATION_PARAMS: ReadonlySet<string> = new Set([
  'client_id',
  'client_key',
  'client_secret',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
  'claims',
  'registration',
  'id_token_hint',
]);

/** The parts of a callback the protocol reads (nothing else is passed on to the library). */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];

/** What a failed exchange says to the app (`?error=`), without internals. */
export class ProviderError extends Error {}

const HTTP_TIMEOUT_SECONDS = 10;

/**
 * The OAuth 2.0 / OpenID Connect dance with one provider, through openid-client (certified, and
 * it takes endpoints as data, so tests and gateways can point a provider elsewhere by operator
 * configuration): the authorization URL with state, PKCE and nonce; the code exchange with the
 * provider's client authentication, state, `iss` (RFC 9207), PKCE and ID token checks; then the
 * profile from the ID token, userinfo or the provider's API.
 */
@Injectable()
export class ProviderClient {
  private readonly overrides: EndpointOverrides;

  constructor(@Inject(IdentityConfig) config: IdentityConfig) {
    // Validated at boot (identity.config.ts); a problem here cannot happen.
    this.overrides = parseEndpointOverrides(config.OAUTH_PROVIDER_ENDPOINTS).overrides;
  }

  endpoints(provider: OAuthProviderId): ProviderEndpoints {
    return endpointsOf(provider, this.overrides);
  }

  /** The provider's authorization URL; `extra` parameters never replace reserved ones. */
  authorizationUrl(
    provider: OAuthProviderId,
    creds: ProviderCredentials,
    redirectUri: string,
    flow: FlowBinding,
    extra: Record<string, string>,
  ): string {
    const spec = PROVIDERS[provider];
    const config = this.configuration(spec, creds, creds.clientSecret);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(extra)) if (!RESERVED_AUTHORIZATION_PARAMS.has(k)) params[k] = v;
    Object.assign(params, spec.authorizationParams, {
      redirect_uri: redirectUri,
      scope: scopesOf(spec, creds).join(spec.scopeSeparator ?? ' '),
      state: flow.state,
    });
    if (spec.clientAuth === 'tiktok') params.client_key = creds.clientId;
    if (spec.idToken) params.nonce = flow.nonce;
    if (spec.pkce) {
      params.code_challenge = challengeOf(flow.codeVerifier);
      params.code_challenge_method = 'S256';
    }
    return oidc.buildAuthorizationUrl(config, params).href;
  }

  /** Exchanges the callback's code and reads the profile; throws ProviderError on any failure. */
  async complete(
    provider: OAuthProviderId,
    creds: ProviderCredentials,
    redirectUri: string,
    callback: Record<string, string | undefined>,
    flow: FlowBinding,
  ): Promise<ProviderProfile> {
    const spec = PROVIDERS[provider];
    try {
      const secret = spec.clientAuth === 'apple' ? await appleClientSecret(creds) : creds.clientSecret;
      const config = this.configuration(spec, creds, secret);
      const current = new URL(redirectUri);
      for (const k of CALLBACK_PARAMS) if (typeof callback[k] === 'string') current.searchParams.set(k, callback[k]);
      const tokens = await oidc.authorizationCodeGrant(
        config,
        current,
        {
          expectedState: flow.state,
          pkceCodeVerifier: spec.pkce ? flow.codeVerifier : undefined,
          ...(spec.idToken ? { expectedNonce: flow.nonce, idTokenExpected: true } : {}),
        },
        spec.clientAuth === 'tiktok' ? { client_key: creds.clientId } : undefined,
      );
      return await this.profile(spec, config, tokens);
    } catch (err) {
      throw toProviderError(provider, err);
    }
  }

  private configuration(spec: ProviderSpec, creds: ProviderCredentials, secret: string): oidc.Configuration {
    const e = this.endpoints(spec.id);
    const server: oidc.ServerMetadata = {
      issuer: e.issuer,
      authorization_endpoint: e.authorizationEndpoint,
      token_endpoint: e.tokenEndpoint,
      ...(e.userinfoEndpoint ? { userinfo_endpoint: e.userinfoEndpoint } : {}),
      ...(e.jwksUri ? { jwks_uri: e.jwksUri } : {}),
    };
    const auth = spec.clientAuth === 'basic' ? oidc.ClientSecretBasic(secret) : oidc.ClientSecretPost(secret);
    const config = new oidc.Configuration(server, creds.clientId, { client_secret: secret }, auth);
    config.timeout = HTTP_TIMEOUT_SECONDS;
    // Only reachable through an operator's override to this machine's loopback (provider-endpoints.ts).
    if (Object.values(e).some((u) => typeof u === 'string' && u.startsWith('http:'))) oidc.allowInsecureRequests(config);
    if (spec.id === 'instagram' || spec.id === 'github') config[oidc.customFetch] = normalizeTokenResponse(e.tokenEndpoint);
    return config;
  }

  private async profile(
    spec: ProviderSpec,
    config: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<ProviderProfile> {
    const api = (path: string, headers: Record<string, string> = {}) => this.getJson(spec, config, tokens.access_token, path, headers);
    switch (spec.profile) {
      case 'id-token': {
        const claims = tokens.claims();
        if (!claims) throw new ProfileError(`${spec.id} sent no ID token`);
        return fromOidcClaims(spec.id, claims);
      }
      case 'userinfo': {
        const sub = tokens.claims()?.sub;
        const info = await oidc.fetchUserInfo(config, tokens.access_token, sub ?? oidc.skipSubjectCheck);
        return fromOidcClaims(spec.id, info);
      }
      case 'github': {
        const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
        const [user, emails] = await Promise.all([api('/user', headers), api('/user/emails', headers).catch(() => [])]);
        return fromGithub(user as Record<string, unknown>, emails);
      }
      case 'discord':
        return fromDiscord((await api('/users/@me')) as Record<string, unknown>);
      case 'facebook':
        return fromFacebook((await api('/me?fields=id,name,email,picture')) as Record<string, unknown>);
      case 'instagram':
        return fromInstagram((await api('/me?fields=user_id,username,name,profile_picture_url')) as Record<string, unknown>);
      case 'tiktok':
        return fromTiktok((await api('/v2/user/info/?fields=open_id,avatar_url,display_name')) as Record<string, unknown>);
      case 'x':
        return fromX((await api('/2/users/me?user.fields=profile_image_url,confirmed_email')) as Record<string, unknown>);
      case 'spotify':
        return fromSpotify((await api('/v1/me')) as Record<string, unknown>);
      case 'microsoft':
        return fromMicrosoft((await api('/v1.0/me')) as Record<string, unknown>);
    }
  }

  /** GET on the provider's API with the access token (a bearer token, sent by openid-client). */
  private async getJson(
    spec: ProviderSpec,
    config: oidc.Configuration,
    accessToken: string,
    path: string,
    headers: Record<string, string>,
  ) {
    const base = this.endpoints(spec.id).apiBaseUrl;
    if (!base) throw new ProfileError(`${spec.id} has no API base URL`);
    const url = new URL(base.replace(/\/+$/, '') + path);
    const res = await oidc.fetchProtectedResource(config, accessToken, url, 'GET', undefined, new Headers(headers));
    if (!res.ok) throw new ProfileError(`${spec.id} answered ${res.status} for the profile`);
    return (await res.json()) as unknown;
  }
}

function scopesOf(spec: ProviderSpec, creds: ProviderCredentials): string[] {
  const configured = creds.scopes?.filter((s) => s.trim() !== '');
  const scopes = configured?.length ? configured : [...spec.scopes];
  // An OIDC provider's profile comes from its ID token: `openid` cannot be configured away.
  if (spec.idToken && spec.id !== 'apple' && !scopes.includes('openid')) scopes.unshift('openid');
  return scopes;
}

/** S256 (openid-client's helper is async WebCrypto; node:crypto gives the same value at once). */
export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** Apple's client secret: an ES256 JWT from the team's key, valid five minutes (jose signs it). */
async function appleClientSecret(creds: ProviderCredentials): Promise<string> {
  let parsed: { teamId?: unknown; keyId?: unknown; privateKey?: unknown };
  try {
    parsed = JSON.parse(creds.clientSecret) as typeof parsed;
  } catch {
    throw new ProviderError('Apple OAuth client secret must be a JSON object with teamId, keyId, and privateKey');
  }
  const { teamId, keyId, privateKey } = parsed;
  if (typeof teamId !== 'string' || typeof keyId !== 'string' || typeof privateKey !== 'string')
    throw new ProviderError('Apple OAuth requires teamId, keyId, and privateKey in client secret');
  const key = await importPKCS8(privateKey, 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: keyId })
    .setIssuer(teamId)
    .setSubject(creds.clientId)
    .setAudience('https://appleid.apple.com')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

/**
 * Two providers' token responses, brought to RFC 6749 §5.1/§5.2 before openid-client reads them:
 * GitHub answers a refused code with 200 and an `error` field (made a 400, so the provider's error
 * code reaches the app), and Instagram's success has no `token_type` (it is a bearer token).
 */
function normalizeTokenResponse(tokenEndpoint: string): oidc.CustomFetch {
  return async (url, options) => {
    const res = await fetch(url, options as RequestInit);
    if (url !== tokenEndpoint || !res.ok) return res;
    let body: Record<string, unknown>;
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      return new Response(null, { status: 502 });
    }
    if (typeof body.error === 'string') return Response.json(body, { status: 400 });
    return Response.json({ token_type: 'bearer', ...body }, { status: res.status });
  };
}

/** The provider's own error code when it sent one (`access_denied`), a generic text otherwise. */
function toProviderError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof oidc.AuthorizationResponseError) return new ProviderError(safeText(err.error) ?? 'OAuth Authentication Failed');
  if (err instanceof oidc.ResponseBodyError) return new ProviderError(safeText(err.error) ?? 'OAuth Authentication Failed');
  if (err instanceof ProfileError) return new ProviderError(err.message);
  return Object.assign(new ProviderError(`${provider} OAuth Authentication Failed`), { cause: err });
}

/** Provider-chosen text put into our redirect: short, and only characters an error code uses. */
const safeText = (v: unknown): string | undefined => (typeof v === 'string' && /^[\w .:-]{1,100}$/.test(v) ? v : undefined);
