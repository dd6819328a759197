import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  APPLE_ID_TOKEN_KEYS,
  type ClientKind,
  type IdTokenProvider,
  type IdTokenSignInRequest,
  type SessionTokensResponse,
} from '@app/contracts';
import { ApiError, invalidInput, RateLimits, REDIS, type RequestMeta, Sql } from '@app/core';
import { sha256 } from '../../core/common/secrets.js';
import { auditActor } from '../../core/audit/audit-event.js';
import { AuditLog } from '../../core/audit/audit-log.js';
import { OAuthAccounts } from '../../core/sign-in/oauth-accounts.service.js';
import { SessionIssuer } from '../../core/sign-in/session-issuer.js';
import type { AuthResult } from '../../core/sign-in/session-result.js';
import { OAuthProviderConfigs } from '../../core/oauth/oauth-configs.service.js';
import { ProviderConfigSource } from '../../core/oauth/providers/provider-configs.js';
import { ProviderClient } from '../../core/oauth/provider-client.js';
import { fromOidcClaims, ProfileError, type ProviderProfile } from '../../core/oauth/providers/provider-profile.js';
import { type IdTokenIssuer, IdTokenRejected, IdTokenVerifier } from './id-token.verifier.js';

/** InsForge's answers for a token that does not verify: Google 400, Apple 401. */
const refused = (provider: IdTokenProvider) =>
  provider === 'google'
    ? invalidInput('Failed to verify Google ID token')
    : new ApiError(401, 'AUTH_UNAUTHORIZED', 'Failed to verify Apple ID token');

/**
 * Google accepts both spellings of its issuer in ID tokens; an operator's override
 * (OAUTH_PROVIDER_ENDPOINTS) names exactly one.
 */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/**
 * `POST /api/auth/id-token`: sign-in with an ID token from Google's or Apple's native SDK. The
 * token is verified here (jose: the provider's JWKS, its issuer, our audiences: the provider's
 * clientId and nativeClientIds, never the caller's; Apple's nonce), then the account is resolved
 * by the same rule as the OAuth callback (OAuthAccounts) and a session starts. An Apple token is
 * single use: its nonce binds it to one sign-in, so a replay is refused on any replica.
 */
@Injectable()
export class IdTokenSignIn {
  private readonly logger = new Logger('IdTokenSignIn');

  constructor(
    private readonly sql: Sql,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly configs: OAuthProviderConfigs,
    private readonly settings: ProviderConfigSource,
    private readonly client: ProviderClient,
    private readonly accounts: OAuthAccounts,
    private readonly issuer: SessionIssuer,
    private readonly audit: AuditLog,
    private readonly limits: RateLimits,
    private readonly verifier: IdTokenVerifier,
  ) {}

  async signIn(
    req: IdTokenSignInRequest,
    raw: Record<string, unknown>,
    client: ClientKind,
    meta: RequestMeta,
  ): Promise<AuthResult<SessionTokensResponse>> {
    if (req.provider === 'apple') {
      const extra = Object.keys(raw).filter((k) => !APPLE_ID_TOKEN_KEYS.includes(k));
      if (extra.length) throw invalidInput(`Unrecognized key(s) in object: ${extra.map((k) => `'${k.slice(0, 64)}'`).join(', ')}`);
    }
    await this.limits.consume('id-token:ip', meta.ip);
    const profile = await this.verify(req, meta);
    const user = await this.accounts.signIn(profile, meta);
    const started = await this.sql.transaction(async (tx) => {
      const s = await this.issuer.start(tx, user.id, client, meta);
      await this.audit.record(tx, {
        type: 'sign_in.succeeded',
        actor: auditActor.user(user.id),
        targetUserId: user.id,
        targetId: s.session.id,
        meta,
        details: { method: 'id_token', provider: req.provider },
      });
      return s;
    });
    return this.issuer.issue(user, started.session, started.refreshToken, client);
  }

  private async verify(req: IdTokenSignInRequest, meta: RequestMeta): Promise<ProviderProfile> {
    const { provider } = req;
    try {
      const audiences = await this.audiencesOf(provider);
      const claims = await this.verifier.verify(
        req.token,
        this.issuerOf(provider),
        audiences,
        provider === 'apple' ? req.nonce : undefined,
      );
      if (provider === 'apple' && !(await this.firstUse(req.token, claims.exp!))) throw new IdTokenRejected('replayed token');
      const profile = fromOidcClaims(provider, claims);
      if (provider === 'google' && !profile.email) throw invalidInput('Invalid Google ID token: missing email claim');
      if (provider === 'apple' && req.name) profile.name = req.name;
      return profile;
    } catch (err) {
      if (!(err instanceof IdTokenRejected || err instanceof ProfileError)) throw err;
      this.logger.warn(`${provider} ID token refused: ${err.message}`);
      await this.audit.record(null, {
        type: 'sign_in.failed',
        actor: auditActor.anonymous(),
        meta,
        details: { method: 'id_token', provider, reason: err.message.slice(0, 200) },
      });
      throw refused(provider);
    }
  }

  /**
   * The project's audiences: the provider's clientId (from the admin API, or the operator's
   * OAUTH_CLIENTS that the flows also use) and its nativeClientIds.
   */
  private async audiencesOf(provider: IdTokenProvider): Promise<string[]> {
    const [stored, used] = await Promise.all([this.configs.get(provider), this.settings.get(provider)]);
    return [...new Set([stored?.clientId, used?.clientId, ...(stored?.nativeClientIds ?? [])].filter((a): a is string => !!a))];
  }

  /** Google's and Apple's issuer and keys, or the operator's stand-ins (OAUTH_PROVIDER_ENDPOINTS). */
  private issuerOf(provider: IdTokenProvider): IdTokenIssuer {
    const e = this.client.endpoints(provider);
    if (!e.jwksUri) throw new Error(`${provider} has no JWKS endpoint`);
    const issuers = provider === 'google' && e.issuer === GOOGLE_ISSUERS[0] ? GOOGLE_ISSUERS : [e.issuer];
    return { issuers, jwksUri: e.jwksUri };
  }

  /** True the first time this token is presented (on any replica), until it expires. */
  private async firstUse(token: string, exp: number): Promise<boolean> {
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000) + 60);
    return (await this.redis.set(`oauth:id-token-used:${sha256(token).toString('hex')}`, '1', 'EX', ttl, 'NX')) === 'OK';
  }
}
