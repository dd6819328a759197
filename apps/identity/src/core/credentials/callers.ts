import { Injectable } from '@nestjs/common';
import { AdminSessions } from './admin-sessions.service.js';
import { ADMIN_ROLE, AdminTokens } from './admin-tokens.js';
import { AnonKeys } from './anon-keys.service.js';
import { ApiKeys } from './api-keys.service.js';
import { credentialOf } from './credential.js';
import { invalidAnonKey, invalidApiKey, invalidToken } from './credential-errors.js';

/** Who is calling a route open to everyone: the public (anon key, a user, nobody) or an admin. */
export type Caller = { kind: 'public' } | { kind: 'admin'; actor: { type: 'admin' | 'api_key'; id: string } };

/**
 * InsForge's `verifyUser` dispatch for routes that anyone may call but an admin may call with more
 * rights (sign-up: `autoConfirm`, and past `disableSignup`). Each credential fails closed on its
 * own terms and never downgrades: a bad API key is 401 AUTH_INVALID_API_KEY, a bad anon key 401
 * "Invalid anon key", a bad or expired token 401 "Invalid token". No credential at all is the
 * public (ours; InsForge asks for the anon key, which proves nothing since every frontend ships it).
 */
@Injectable()
export class Callers {
  constructor(
    private readonly apiKeys: ApiKeys,
    private readonly anonKeys: AnonKeys,
    private readonly tokens: AdminTokens,
    private readonly sessions: AdminSessions,
  ) {}

  async of(headers: Record<string, string | string[] | undefined>): Promise<Caller> {
    const credential = credentialOf(headers);
    switch (credential.kind) {
      case 'none':
        return { kind: 'public' };
      case 'malformed':
        throw invalidToken();
      case 'api_key': {
        const key = await this.apiKeys.verify(credential.key);
        if (!key) throw invalidApiKey();
        return { kind: 'admin', actor: { type: 'api_key', id: key.id } };
      }
      case 'anon':
        if (!(await this.anonKeys.verify(credential.key))) throw invalidAnonKey();
        return { kind: 'public' };
      case 'jwt': {
        const claims = await this.tokens.verify(credential.token);
        if (!claims) throw invalidToken();
        if (claims.role !== ADMIN_ROLE) return { kind: 'public' };
        if (!claims.sid || !(await this.sessions.isSessionLive(claims.sid))) throw invalidToken();
        return { kind: 'admin', actor: { type: 'admin', id: claims.sub } };
      }
    }
  }
}
