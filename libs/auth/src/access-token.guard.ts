import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '@app/core';
import { parseBearer } from './bearer.js';
import { keyTrustedUntilOf } from './access-token.strategy.js';
import { IS_PUBLIC } from './decorators.js';
import type { Principal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Failures use
 * InsForge's exact bodies (the SDK refreshes on 401 AUTH_UNAUTHORIZED).
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard('access-token') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokens,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: Principal }>();
    const credential = parseBearer(req.headers.authorization);
    if (credential.kind === 'malformed') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    const token = credential.kind === 'token' ? credential.token : undefined;
    const known = token ? this.verified.get(token) : undefined;
    if (known) {
      req.user = known;
      return true;
    }
    const ok = (await super.canActivate(ctx)) as boolean;
    // Trusted again for no longer than the key that verified it: a retired key dies on time.
    if (ok && token && req.user) this.verified.set(token, req.user, Date.now(), keyTrustedUntilOf(req));
    return ok;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (user && !err) return user;
    if (info instanceof Error && info.message === 'No auth token') {
      throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'No token provided', 'Check the token is valid or login to get a new token.');
    }
    throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
  }
}
