import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { KeyObject } from 'node:crypto';
import { principalOf } from './access-token.claims.js';
import { KEY_RESOLVER, type KeyResolver, type ResolvedKey } from './key-resolver.js';
import type { Principal } from './principal.js';

/** What the verifier of an app checks besides the signature (its module registers them with JwtModule). */
export interface JwtVerifyOptions {
  issuer: string;
  audience: string;
}

/** A verified access token: its caller, and until when that verification may be reused (VerifiedTokens). */
export interface VerifiedAccessToken {
  principal: Principal;
  trustedUntil: number;
}

/**
 * The token's `kid`, or undefined when there is none or the header names a key of its own:
 * embedded keys (`jwk`, `jku`, `x5u`, `x5c`) are never trusted, so such a token is refused outright.
 */
export function kidOf(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
    if ('jwk' in header || 'jku' in header || 'x5u' in header || 'x5c' in header) return undefined;
    const kid = (header as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * jsonwebtoken (under JwtService) verifies with a KeyObject as it is: no PEM parsing per call.
 * @nestjs/jwt 12 types a per-call `publicKey` as string | Buffer only, though it hands it to
 * jsonwebtoken untouched (its module-level `publicKey` already takes a KeyObject).
 */
const verificationKey = (key: KeyObject) => key as unknown as Buffer;

/**
 * Verifies access tokens through @nestjs/jwt's JwtService with public keys only: the key is the one
 * the key resolver holds for the token's `kid` (identity's own keys, or the JWKS it publishes);
 * the algorithm list (ES256 only), issuer and audience come from the JwtModule registration of
 * JwtAuthModule; expiry is checked; then the claims must be those of an access token of ours
 * (principalOf). Anything else is null: callers answer 401 without saying why.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    @Inject(KEY_RESOLVER) private readonly keys: KeyResolver,
  ) {}

  async verify(token: string): Promise<VerifiedAccessToken | null> {
    const kid = kidOf(token);
    if (kid === undefined) return null;
    let resolved: ResolvedKey | undefined;
    try {
      resolved = await this.keys.resolve(kid);
    } catch {
      return null; // a key we cannot look up is a key we do not trust
    }
    if (!resolved) return null;
    let claims: unknown;
    try {
      claims = this.jwt.verify(token, { publicKey: verificationKey(resolved.key) });
    } catch {
      return null;
    }
    const principal = principalOf(claims);
    return principal && { principal, trustedUntil: resolved.trustedUntil };
  }
}
