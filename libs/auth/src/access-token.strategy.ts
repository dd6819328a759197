import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { parseBearer } from './bearer.js';
import { ACCESS_TOKEN_ALGORITHMS, type AccessTokenClaims, type Principal } from './principal.js';
import { KEY_RESOLVER, type KeyResolver } from './key-resolver.js';

export const JWT_VERIFY_OPTIONS = Symbol('JWT_VERIFY_OPTIONS');
export interface JwtVerifyOptions {
  issuer: string;
  audience: string;
}

function kidOf(rawJwt: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    // Embedded keys (`jwk`, `jku`, `x5u`, `x5c`) are never trusted: such a token is refused outright.
    if ('jwk' in header || 'jku' in header || 'x5u' in header || 'x5c' in header) return undefined;
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Until when the key that verified a request's token may be trusted (ResolvedKey.trustedUntil),
 * for the guard's cache of verified tokens. Keyed by the request object, so nothing leaks.
 */
const keyDeadlines = new WeakMap<object, number>();
export const keyTrustedUntilOf = (req: object): number | undefined => keyDeadlines.get(req);

/**
 * passport-jwt with public keys only: the key comes from the token's `kid` among the keys identity
 * publishes; ES256 is the only algorithm; issuer, audience and expiry are checked.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'access-token') {
  constructor(@Inject(KEY_RESOLVER) keys: KeyResolver, @Inject(JWT_VERIFY_OPTIONS) opts: JwtVerifyOptions) {
    super({
      // The platform's one Bearer parser (passport's own takes the first word after the scheme).
      jwtFromRequest: (req: { headers?: Record<string, unknown> }) => {
        const credential = parseBearer(req.headers?.authorization);
        return credential.kind === 'token' ? credential.token : null;
      },
      algorithms: [...ACCESS_TOKEN_ALGORITHMS],
      issuer: opts.issuer,
      audience: opts.audience,
      ignoreExpiration: false,
      // KeyObjects are accepted by jsonwebtoken at run time; the typings only list strings and buffers.
      secretOrKeyProvider: (req: object, rawJwt: string, done: (err: unknown, key?: never) => void) => {
        const kid = kidOf(rawJwt);
        if (!kid) return done(new Error('unknown key'));
        keys.resolve(kid).then((resolved) => {
          if (!resolved) return done(new Error('unknown key'));
          keyDeadlines.set(req, resolved.trustedUntil);
          done(null, resolved.key as never);
        }, done);
      },
    });
  }

  validate(claims: AccessTokenClaims): Principal | false {
    if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return false;
    return { userId: claims.sub, email: claims.email, sessionId: claims.sid, role: claims.role, exp: claims.exp };
  }
}
