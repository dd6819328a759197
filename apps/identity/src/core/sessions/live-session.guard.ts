import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Principal } from '@app/auth';
import { ApiError } from '@app/core';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/**
 * For routes that manage sessions: the access token's own session must still be live, so a token
 * whose session was revoked (logout, scope=all, password reset) cannot act in its 15 minutes left.
 */
@Injectable()
export class LiveSessionGuard implements CanActivate {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const me = ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
    const session = me ? await this.repo.findSession(me.sessionId) : null;
    if (!session || session.userId !== me!.userId || !this.sessions.isLive(session))
      throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
    return true;
  }
}
