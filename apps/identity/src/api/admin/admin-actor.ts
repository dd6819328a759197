import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestMetaOf } from '@app/core';
import { type AuditActor, auditActor } from '../../core/audit/audit-event.js';
import type { AdminChange } from '../../core/auth-config/admin-change.js';

/** Who made an admin change (the actor AdminGuard put on the request) and from where, for the audit log. */
export const AdminChangeOf = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminChange => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: { type: 'admin' | 'api_key'; id: string } }>();
  const actor: AuditActor = req.actor ? auditActor.of(req.actor) : auditActor.system();
  return { actor, meta: requestMetaOf(req) };
});
