import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ClientKind, SessionTokensResponse } from '@app/contracts';
import type { Queryable, RequestMeta } from '@app/core';
import type { SessionRow } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AccessTokens } from '../tokens/access-tokens.service.js';
import { toUserResponse } from '../users/user.mapper.js';
import type { UserRecord } from '../users/users.repository.js';
import type { AuthResult } from './session-result.js';

/** Starts InsForge sessions and turns one into what the client gets: tokens, cookie, CSRF. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
  ) {}

  /** An InsForge session for `userId`, inside the caller's transaction; `signIn` records the sign-in. */
  start(m: EntityManager | Queryable, userId: string, client: ClientKind, meta: RequestMeta, signIn?: { method: string }) {
    return this.sessions.start(m, userId, { api: 'insforge', clientType: client, meta, signIn });
  }

  /** Tokens for a session: cookie + csrfToken for web clients, refreshToken in the body otherwise. */
  async issue(user: UserRecord, session: SessionRow, refreshToken: string, client: ClientKind): Promise<AuthResult<SessionTokensResponse>> {
    const accessToken = await this.tokens.sign(user, session.id);
    if (client === 'web') {
      return {
        body: { user: toUserResponse(user), accessToken, csrfToken: this.sessions.csrfTokenFor(session) },
        cookie: { token: refreshToken, expiresAt: session.absoluteExpiresAt },
      };
    }
    return { body: { user: toUserResponse(user), accessToken, refreshToken } };
  }
}
