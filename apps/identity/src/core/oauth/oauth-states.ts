import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { REDIS } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import type { FlowBinding } from './provider-client.js';

/** What the state carries from the authorize request to the callback, signed. */
export interface OAuthStateClaims {
  provider: string;
  redirectUri: string;
  codeChallenge: string;
  /** names this flow: its single use, its provider-side PKCE verifier and nonce */
  jti: string;
  exp: number;
}

const TYP = 'oauth-state+jwt';

/**
 * The OAuth `state`: an HS256 JWT (jose) under a key of its own derived from AUTH_HMAC_SECRET,
 * binding the provider, the app's redirect URI and its PKCE challenge, expiring after
 * OAUTH_STATE_TTL_SECONDS, and used once (Redis, so every replica agrees). The provider-side PKCE
 * verifier and the OIDC nonce are derived from its id with the same secret: any replica can
 * rebuild them at the callback, and neither appears in a URL.
 */
@Injectable()
export class OAuthStates {
  private readonly signingKey: Uint8Array;
  private readonly bindingKey: Buffer;

  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', config.AUTH_HMAC_SECRET, '', info, 32));
    this.signingKey = new Uint8Array(derive('oauth-state-signing-v1'));
    this.bindingKey = derive('oauth-flow-binding-v1');
  }

  async issue(c: Pick<OAuthStateClaims, 'provider' | 'redirectUri' | 'codeChallenge'>): Promise<{ state: string; flow: FlowBinding }> {
    const jti = randomUUID();
    const state = await new SignJWT({ provider: c.provider, redirectUri: c.redirectUri, codeChallenge: c.codeChallenge })
      .setProtectedHeader({ alg: 'HS256', typ: TYP })
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(`${this.config.OAUTH_STATE_TTL_SECONDS}s`)
      .sign(this.signingKey);
    return { state, flow: this.flow(jti, state) };
  }

  /** The claims of a state we signed and that has not expired, or null. */
  async open(state: string): Promise<{ claims: OAuthStateClaims; flow: FlowBinding } | null> {
    if (state.length > 4096) return null;
    try {
      const { payload } = await jwtVerify(state, this.signingKey, { algorithms: ['HS256'], typ: TYP });
      const { provider, redirectUri, codeChallenge, jti, exp } = payload as Partial<OAuthStateClaims>;
      if (typeof provider !== 'string' || typeof redirectUri !== 'string' || typeof codeChallenge !== 'string') return null;
      if (typeof jti !== 'string' || typeof exp !== 'number') return null;
      return { claims: { provider, redirectUri, codeChallenge, jti, exp }, flow: this.flow(jti, state) };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }

  /** True the first time a state reaches a callback, on any replica; false for a replay. */
  async consume(claims: OAuthStateClaims): Promise<boolean> {
    const ttl = Math.max(1, claims.exp - Math.floor(Date.now() / 1000) + 1);
    return (await this.redis.set(`oauth:state-used:${claims.jti}`, '1', 'EX', ttl, 'NX')) === 'OK';
  }

  private flow(jti: string, state: string): FlowBinding {
    const mac = (what: string) => createHmac('sha256', this.bindingKey).update(`${what}:${jti}`).digest('base64url');
    return { state, codeVerifier: mac('pkce'), nonce: mac('nonce') };
  }
}
