import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { IdentityConfig } from '../identity.config.js';
import { SIGNING_ALG, SigningKeys } from './signing-keys.service.js';

/** Short-lived JWT access tokens. identity is the only app that signs. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  sign(user: { id: string; email: string }, sessionId: string): Promise<string> {
    const key = this.keys.signer();
    return new SignJWT({ email: user.email, role: 'authenticated', sid: sessionId })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.config.JWT_ACCESS_TTL_SECONDS}s`)
      .sign(key.privateKey);
  }
}
