import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '@app/core';
import { IS_PUBLIC } from './decorators.js';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Failures use
 * InsForge's exact bodies (the SDK refreshes on 401 AUTH_UNAUTHORIZED).
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard('access-token') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    return super.canActivate(ctx);
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (user && !err) return user;
    if (info instanceof Error && info.message === 'No auth token') {
      throw new ApiError(401, 'AUTH_INVALID_CREDENTIALS', 'No token provided', 'Check the token is valid or login to get a new token.');
    }
    throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
  }
}
