import type { OAuthProvider } from '@app/contracts';

/**
 * The eleven built-in providers (InsForge's enum), each described as data: where its endpoints
 * are, which scopes it needs, how the client authenticates at its token endpoint, whether it
 * takes PKCE and whether it answers with an OpenID Connect ID token. The protocol itself is
 * openid-client's (provider-client.ts); this file only says how each provider differs.
 *
 * Endpoints are overridable by operator configuration (OAUTH_PROVIDER_ENDPOINTS, see
 * provider-endpoints.ts), never by a request.
 */
/** InsForge's provider enum (libs/contracts), under the names the flows use. */
export { OAUTH_PROVIDERS as OAUTH_PROVIDER_IDS, isOAuthProvider as isOAuthProviderId } from '@app/contracts';
export type OAuthProviderId = OAuthProvider;

export interface ProviderEndpoints {
  /** The `iss` of its ID tokens and of RFC 9207 authorization responses (OIDC providers). */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** OIDC providers whose ID token lacks the profile: where the claims are read instead. */
  userinfoEndpoint?: string;
  jwksUri?: string;
  /** OAuth 2.0 providers: the API the profile is read from. */
  apiBaseUrl?: string;
}

/**
 * - `basic`: client_secret_basic (RFC 6749 §2.3.1, which every server must accept);
 * - `post`: client_secret_post, for providers that refuse Basic;
 * - `apple`: client_secret_post with a short-lived ES256 JWT made from the team's key;
 * - `tiktok`: client_secret_post plus TikTok's `client_key` (its name for the client id).
 */
export type ClientAuthMethod = 'basic' | 'post' | 'apple' | 'tiktok';

/** How the profile is read once the code is exchanged. */
export type ProfileSource =
  | 'id-token' // the ID token's claims (google, apple)
  | 'userinfo' // the OIDC userinfo endpoint (linkedin)
  | 'github'
  | 'discord'
  | 'facebook'
  | 'instagram'
  | 'tiktok'
  | 'x'
  | 'spotify'
  | 'microsoft';

export interface ProviderSpec {
  id: OAuthProviderId;
  endpoints: ProviderEndpoints;
  scopes: readonly string[];
  /** TikTok joins scopes with commas */
  scopeSeparator?: string;
  clientAuth: ClientAuthMethod;
  /** sends an S256 code_challenge (bound to the state) and its verifier at the token endpoint */
  pkce: boolean;
  /** an ID token is expected and a nonce (bound to the state) is sent and checked */
  idToken: boolean;
  /** fixed authorization parameters of the provider (Apple's form_post) */
  authorizationParams?: Readonly<Record<string, string>>;
  profile: ProfileSource;
}

export const PROVIDERS: Readonly<Record<OAuthProviderId, ProviderSpec>> = Object.freeze({
  google: {
    id: 'google',
    endpoints: {
      issuer: 'https://accounts.google.com',
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      userinfoEndpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
      jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    },
    scopes: ['openid', 'email', 'profile'],
    clientAuth: 'basic',
    pkce: true,
    idToken: true,
    profile: 'id-token',
  },
  github: {
    id: 'github',
    endpoints: {
      issuer: 'https://github.com',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      apiBaseUrl: 'https://api.github.com',
    },
    scopes: ['read:user', 'user:email'],
    clientAuth: 'basic',
    pkce: true,
    idToken: false,
    profile: 'github',
  },
  discord: {
    id: 'discord',
    endpoints: {
      issuer: 'https://discord.com',
      authorizationEndpoint: 'https://discord.com/oauth2/authorize',
      tokenEndpoint: 'https://discord.com/api/oauth2/token',
      apiBaseUrl: 'https://discord.com/api',
    },
    scopes: ['identify', 'email'],
    clientAuth: 'basic',
    pkce: true,
    idToken: false,
    profile: 'discord',
  },
  linkedin: {
    id: 'linkedin',
    endpoints: {
      issuer: 'https://www.linkedin.com/oauth',
      authorizationEndpoint: 'https://www.linkedin.com/oauth/v2/authorization',
      tokenEndpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
      userinfoEndpoint: 'https://api.linkedin.com/v2/userinfo',
      jwksUri: 'https://www.linkedin.com/oauth/openid/jwks',
    },
    scopes: ['openid', 'profile', 'email'],
    // LinkedIn refuses HTTP Basic and PKCE for web apps, and sends no nonce back.
    clientAuth: 'post',
    pkce: false,
    idToken: false,
    profile: 'userinfo',
  },
  facebook: {
    id: 'facebook',
    endpoints: {
      issuer: 'https://www.facebook.com',
      authorizationEndpoint: 'https://www.facebook.com/v19.0/dialog/oauth',
      tokenEndpoint: 'https://graph.facebook.com/v19.0/oauth/access_token',
      apiBaseUrl: 'https://graph.facebook.com/v19.0',
    },
    scopes: ['email', 'public_profile'],
    clientAuth: 'post',
    pkce: false,
    idToken: false,
    profile: 'facebook',
  },
  instagram: {
    id: 'instagram',
    endpoints: {
      issuer: 'https://www.instagram.com',
      authorizationEndpoint: 'https://www.instagram.com/oauth/authorize',
      tokenEndpoint: 'https://api.instagram.com/oauth/access_token',
      apiBaseUrl: 'https://graph.instagram.com',
    },
    scopes: ['instagram_business_basic'],
    scopeSeparator: ',',
    clientAuth: 'post',
    pkce: false,
    idToken: false,
    profile: 'instagram',
  },
  tiktok: {
    id: 'tiktok',
    endpoints: {
      issuer: 'https://www.tiktok.com',
      authorizationEndpoint: 'https://www.tiktok.com/v2/auth/authorize/',
      tokenEndpoint: 'https://open.tiktokapis.com/v2/oauth/token/',
      apiBaseUrl: 'https://open.tiktokapis.com',
    },
    scopes: ['user.info.basic'],
    scopeSeparator: ',',
    clientAuth: 'tiktok',
    pkce: true,
    idToken: false,
    profile: 'tiktok',
  },
  apple: {
    id: 'apple',
    endpoints: {
      issuer: 'https://appleid.apple.com',
      authorizationEndpoint: 'https://appleid.apple.com/auth/authorize',
      tokenEndpoint: 'https://appleid.apple.com/auth/token',
      jwksUri: 'https://appleid.apple.com/auth/keys',
    },
    // Apple's scopes have no `openid`; asking for name or email requires form_post.
    scopes: ['name', 'email'],
    clientAuth: 'apple',
    pkce: false,
    idToken: true,
    authorizationParams: { response_mode: 'form_post' },
    profile: 'id-token',
  },
  x: {
    id: 'x',
    endpoints: {
      issuer: 'https://x.com',
      authorizationEndpoint: 'https://x.com/i/oauth2/authorize',
      tokenEndpoint: 'https://api.x.com/2/oauth2/token',
      apiBaseUrl: 'https://api.x.com',
    },
    scopes: ['users.read', 'tweet.read'],
    clientAuth: 'basic',
    pkce: true,
    idToken: false,
    profile: 'x',
  },
  spotify: {
    id: 'spotify',
    endpoints: {
      issuer: 'https://accounts.spotify.com',
      authorizationEndpoint: 'https://accounts.spotify.com/authorize',
      tokenEndpoint: 'https://accounts.spotify.com/api/token',
      apiBaseUrl: 'https://api.spotify.com',
    },
    scopes: ['user-read-email', 'user-read-private'],
    clientAuth: 'basic',
    pkce: true,
    idToken: false,
    profile: 'spotify',
  },
  microsoft: {
    id: 'microsoft',
    endpoints: {
      // The `common` tenant: ID tokens carry the user's own tenant as issuer, so the profile is
      // read from Microsoft Graph instead (and no ID token is asked for).
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      apiBaseUrl: 'https://graph.microsoft.com',
    },
    scopes: ['User.Read'],
    clientAuth: 'post',
    pkce: true,
    idToken: false,
    profile: 'microsoft',
  },
});
