import { type CanActivate, type ExecutionContext, createParamDecorator, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/core';
import { bearerOf } from '../auth/bearer.js';
import { sha256 } from '../common/secrets.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';

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
    const token = bearerOf(req.headers.authorization);
    if (!token) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Missing access token');
    const session = /^[0-9a-f]{64}$/.test(token) ? await this.sessions.findByOpaqueAccessHash(sha256(token)) : null;
    if (!session) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid access token');
    req.gorb = { userId: session.userId, sessionId: session.id };
    return true;
  }
}

export const GorbUser = createParamDecorator((_: unknown, ctx: ExecutionContext): GorbCaller => {
  return ctx.switchToHttp().getRequest<{ gorb: GorbCaller }>().gorb;
});
