import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { plainIp } from './trusted-proxies.js';

/** What services need to know about the HTTP request that reached them. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string;
}

export function requestMetaOf(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { requestId: String(req.id), ip: plainIp(req.ip), userAgent: (typeof ua === 'string' ? ua : '').slice(0, 512) };
}

export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMetaOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
