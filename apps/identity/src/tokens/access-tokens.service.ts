import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import type { AccessTokenClaims } from '@app/auth';
import { IdentityConfig } from '../identity.config.js';
import { SIGNING_ALG, SigningKeys } from './signing-keys.service.js';

/** Short-lived JWT access tokens. identity is the only app that signs. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  /**
   * Signs with node's crypto on the calling thread (jsonwebtoken with a KeyObject, ~0.05 ms):
   * jose would use WebCrypto on the libuv pool, where it queues behind the argon2 work of sign-ins.
   */
  sign(user: { id: string; email: string }, sessionId: string): Promise<string> {
    const key = this.keys.signer();
    return Promise.resolve(
      jwt.sign({ email: user.email, role: 'authenticated', sid: sessionId }, key.privateKey, {
        algorithm: SIGNING_ALG,
        keyid: key.kid,
        subject: user.id,
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
      }),
    );
  }

  /** Verifies one of our access tokens (ES256 only, known kid, issuer, audience, expiry). */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(
        token,
        async (header) => {
          const resolved = header.kid && !header.jwk && !header.jku ? await this.keys.resolve(header.kid) : undefined;
          if (!resolved) throw new Error('unknown key');
          return resolved.key;
        },
        { algorithms: [SIGNING_ALG], issuer: this.config.JWT_ISSUER, audience: this.config.JWT_AUDIENCE },
      );
      return payload.role === 'authenticated' && typeof payload.sid === 'string' ? payload : null;
    } catch {
      return null;
    }
  }
}
