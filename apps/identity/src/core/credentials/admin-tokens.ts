import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { kidOf } from '@app/auth';
import { IdentityConfig } from '../config/identity.config.js';
import { SIGNING_ALG, SigningKeys } from '../tokens/signing-keys.service.js';

export const ADMIN_ROLE = 'project_admin';

/** What an access token of either kind says, once its signature, issuer, audience and expiry hold. */
export interface VerifiedAccessClaims {
  sub: string;
  role: string;
  sid?: string;
}

/**
 * Admin access tokens: the same keys, issuer, audience and lifetime as user tokens, with
 * InsForge's `role: "project_admin"` and `sub: "local:<username>"`, plus `sid`, the admin session
 * (so logout ends them at once). The user routes' guards accept only `role: "authenticated"`
 * (principalOf), so an admin token is no user token anywhere, in identity or in profiles.
 */
@Injectable()
export class AdminTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly jwt: JwtService,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  sign(subject: string, sessionId: string): string {
    const key = this.keys.signer();
    return this.jwt.sign(
      { role: ADMIN_ROLE, sid: sessionId },
      {
        privateKey: key.privateKey,
        algorithm: SIGNING_ALG,
        keyid: key.kid,
        subject,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
      },
    );
  }

  /**
   * Any of our access tokens (user or admin), or null: the verifier's checks (ES256 only, a known
   * kid, no embedded key, issuer, audience, expiry) without its user-only claim check. The caller
   * decides what the role allows.
   */
  async verify(token: string): Promise<VerifiedAccessClaims | null> {
    const kid = kidOf(token);
    if (kid === undefined) return null;
    const resolved = await this.keys.resolve(kid).catch(() => undefined);
    if (!resolved) return null;
    let payload: Record<string, unknown>;
    try {
      // KeyObjects pass through JwtService to jsonwebtoken untouched (see libs/auth's verifier).
      payload = this.jwt.verify(token, { publicKey: resolved.key as unknown as Buffer });
    } catch {
      return null;
    }
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') return null;
    return { sub: payload.sub, role: payload.role, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
  }
}
