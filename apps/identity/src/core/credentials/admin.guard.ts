import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthenticatesItself } from '@app/auth';
import { AdminSessions } from './admin-sessions.service.js';
import { ADMIN_ROLE, AdminTokens } from './admin-tokens.js';
import { ApiKeys } from './api-keys.service.js';
import { credentialOf } from './credential.js';
import { adminRequired, invalidApiKey, invalidToken, noAdminToken, noToken } from './credential-errors.js';

/** Who acted on an admin route, for the audit log: the admin (by subject) or an API key (by id). */
export interface AdminActor {
  type: 'admin' | 'api_key';
  /** `local:<username>` for an admin, the key's id for an API key */
  id: string;
  /** the admin session, for an admin */
  sessionId?: string;
}

export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
  actor?: AdminActor;
}

/**
 * InsForge's `verifyAdmin`, with its exact answers: an API key (`ik_…` as Bearer, or
 * `x-api-key`) or an admin access token (`role: "project_admin"`, its session still live).
 * No credential: 401 "No admin token provided". An unknown or rotated-out key: 401
 * AUTH_INVALID_API_KEY. A bad token (the anon key included): 401 AUTH_UNAUTHORIZED "Invalid
 * token". A valid user token: 403 "Admin access required". Puts `request.actor` on the request.
 * The global access-token guard stands aside on routes that use this one.
 */
@AuthenticatesItself()
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeys,
    private readonly tokens: AdminTokens,
    private readonly sessions: AdminSessions,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    req.actor = await this.actorOf(req.headers);
    return true;
  }

  async actorOf(headers: AdminRequest['headers']): Promise<AdminActor> {
    const credential = credentialOf(headers);
    switch (credential.kind) {
      case 'none':
        throw noAdminToken();
      case 'malformed':
        throw invalidToken();
      case 'api_key': {
        const key = await this.apiKeys.verify(credential.key);
        if (!key) throw invalidApiKey();
        return { type: 'api_key', id: key.id };
      }
      case 'anon':
      case 'jwt': {
        const claims = credential.kind === 'jwt' ? await this.tokens.verify(credential.token) : null;
        if (!claims) throw invalidToken();
        if (claims.role !== ADMIN_ROLE) throw adminRequired();
        if (!claims.sid || !(await this.sessions.isSessionLive(claims.sid))) throw invalidToken();
        return { type: 'admin', id: claims.sub, sessionId: claims.sid };
      }
    }
  }
}

/**
 * For `GET /api/auth/admin/sessions/current` (InsForge: `verifyToken`, then the role): only an
 * admin access token; an API key is no token there.
 */
@AuthenticatesItself()
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AdminTokens,
    private readonly sessions: AdminSessions,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    const credential = credentialOf({ authorization: req.headers.authorization });
    if (credential.kind === 'none') throw noToken();
    const claims = credential.kind === 'jwt' ? await this.tokens.verify(credential.token) : null;
    if (!claims) throw invalidToken();
    if (claims.role !== ADMIN_ROLE) throw adminRequired(false);
    if (!claims.sid || !(await this.sessions.isSessionLive(claims.sid))) throw invalidToken();
    req.actor = { type: 'admin', id: claims.sub, sessionId: claims.sid };
    return true;
  }
}
