import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ACCESS_TOKEN_ROLE, AccessTokenVerifier, type Principal } from '@app/auth';
import { IdentityConfig } from '../config/identity.config.js';
import { SIGNING_ALG, SigningKeys } from './signing-keys.service.js';

/** Short-lived JWT access tokens. identity is the only app that signs. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly jwt: JwtService,
    private readonly verifier: AccessTokenVerifier,
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
  ) {}

  /**
   * Signs through JwtService with the current key's KeyObject, on the calling thread (~0.05 ms;
   * `npm run bench:jwt`): jose would use WebCrypto on the libuv pool, where it queues behind the
   * argon2 work of sign-ins.
   */
  sign(user: { id: string; email: string }, sessionId: string): Promise<string> {
    const key = this.keys.signer();
    return Promise.resolve(
      this.jwt.sign(
        { email: user.email, role: ACCESS_TOKEN_ROLE, sid: sessionId },
        {
          privateKey: key.privateKey,
          algorithm: SIGNING_ALG,
          keyid: key.kid,
          subject: user.id,
          issuer: this.config.JWT_ISSUER,
          audience: this.config.JWT_AUDIENCE,
          expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
        },
      ),
    );
  }

  /** The caller of one of our access tokens, checked as the guard checks them (libs/auth), or null. */
  async verify(token: string): Promise<Principal | null> {
    return (await this.verifier.verify(token))?.principal ?? null;
  }
}
