import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Who may have issued a provider's ID tokens, and where its public keys are. */
export interface IdTokenIssuer {
  issuers: string[];
  jwksUri: string;
}

/** Why a token was refused (logged; the caller gets InsForge's one message per provider). */
export class IdTokenRejected extends Error {}

/** The algorithms Google and Apple sign ID tokens with; `none` and HMAC never verify. */
const ALGORITHMS = ['RS256', 'ES256'];
/** Clock skew allowed between the provider and us. */
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_TOKEN_LENGTH = 16 * 1024;

/** The lowercase hex SHA-256 of the raw nonce: what Apple's native SDK puts in the token. */
export const nonceDigest = (raw: string): string => createHash('sha256').update(raw, 'utf8').digest('hex');

/**
 * Keys come from the provider's JWKS through jose: fetched on first use, cached, refetched at most
 * every `cooldown` when a token names a key we do not have (rotation) and never more often, with a
 * timeout. The JWKS URL is the operator's (OAUTH_PROVIDER_ENDPOINTS or the provider default),
 * never anything from a request.
 */
export const remoteKeys = (jwksUri: string): JWTVerifyGetKey =>
  createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });

/** Verifies native ID tokens (signature, issuer, audience, expiry, nonce) with jose. */
@Injectable()
export class IdTokenVerifier {
  private readonly keys = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly keysFor: (jwksUri: string) => JWTVerifyGetKey = remoteKeys) {}

  /**
   * The token's claims, or IdTokenRejected. `audiences` are the server's (clientId and
   * nativeClientIds), never the caller's; `rawNonce`, when given, must hash to the token's nonce.
   */
  async verify(token: string, issuer: IdTokenIssuer, audiences: string[], rawNonce?: string): Promise<JWTPayload> {
    if (audiences.length === 0) throw new IdTokenRejected('no audience is configured (clientId or nativeClientIds)');
    if (token.length > MAX_TOKEN_LENGTH) throw new IdTokenRejected('oversized token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keysOf(issuer.jwksUri), {
        algorithms: ALGORITHMS,
        issuer: issuer.issuers,
        audience: audiences,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'iat', 'exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw new IdTokenRejected(`${err.code}: ${err.message}`);
      throw err;
    }
    if (typeof payload.sub !== 'string' || payload.sub.trim() === '') throw new IdTokenRejected('no subject');
    if (rawNonce !== undefined) {
      const expected = Buffer.from(nonceDigest(rawNonce));
      const actual = Buffer.from(typeof payload.nonce === 'string' ? payload.nonce : '');
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new IdTokenRejected('nonce mismatch');
    }
    return payload;
  }

  private keysOf(jwksUri: string): JWTVerifyGetKey {
    let keys = this.keys.get(jwksUri);
    if (!keys) this.keys.set(jwksUri, (keys = this.keysFor(jwksUri)));
    return keys;
  }
}
