import { type CanActivate, type ExecutionContext, createParamDecorator, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isOpaqueToken } from '@app/contracts';
import { ApiError } from '@app/core';
import { parseBearer } from '@app/auth';
import { sha256 } from '../../core/common/secrets.js';
import { SessionsRepository } from '../../core/sessions/sessions.repository.js';

export interface GorbCaller {
  userId: string;
  sessionId: string;
}

/** Gorb's opaque access tokens: looked up by SHA-256 on every request, dead with their session. */
@Injectable()
export class GorbTokenGuard implements CanActivate {
  constructor(private readonly sessions: SessionsRepository) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { gorb?: GorbCaller }>();
    const credential = parseBearer(req.headers.authorization);
    if (credential.kind === 'none') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Missing access token');
    const token = credential.kind === 'token' ? credential.token : undefined;
    const session = isOpaqueToken(token) ? await this.sessions.findByOpaqueAccessHash(sha256(token)) : null;
    if (!session) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid access token');
    req.gorb = { userId: session.userId, sessionId: session.id };
    return true;
  }
}

export const GorbUser = createParamDecorator((_: unknown, ctx: ExecutionContext): GorbCaller => {
  return ctx.switchToHttp().getRequest<{ gorb: GorbCaller }>().gorb;
});
