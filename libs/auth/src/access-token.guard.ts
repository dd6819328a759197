import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { ApiError } from '@app/core';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { parseBearer } from './bearer.js';
import { IS_PUBLIC } from './decorators.js';
import type { Principal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

const invalidToken = () => new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');

const AUTHENTICATES_ITSELF = Symbol('authenticates-itself');

/**
 * Marks a route guard that authenticates the caller on its own terms (identity's AdminGuard: API
 * keys and admin tokens). On a route that uses such a guard the global access-token guard stands
 * aside, so `@UseGuards(ThatGuard)` is all a route needs.
 */
export const AuthenticatesItself = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(AUTHENTICATES_ITSELF, true, target);
};

function guardedByItself(ctx: ExecutionContext): boolean {
  for (const target of [ctx.getHandler(), ctx.getClass()] as unknown[]) {
    if (typeof target !== 'function') continue;
    const guards = (Reflect.getMetadata(GUARDS_METADATA, target) ?? []) as object[];
    if (guards.some((g) => typeof g === 'function' && Reflect.getMetadata(AUTHENTICATES_ITSELF, g) === true)) return true;
  }
  return false;
}

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Failures use
 * InsForge's exact bodies (the SDK refreshes on 401 AUTH_UNAUTHORIZED).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokens,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    if (guardedByItself(ctx)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: Principal }>();
    const credential = parseBearer(req.headers.authorization);
    if (credential.kind === 'none') {
      throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'No token provided', 'Check the token is valid or login to get a new token.');
    }
    if (credential.kind === 'malformed') throw invalidToken();
    const known = this.verified.get(credential.token);
    if (known) {
      req.user = known;
      return true;
    }
    const out = await this.verifier.verify(credential.token);
    if (!out) throw invalidToken();
    // Trusted again for no longer than the key that verified it: a retired key dies on time.
    this.verified.set(credential.token, out.principal, Date.now(), out.trustedUntil);
    req.user = out.principal;
    return true;
  }
}
