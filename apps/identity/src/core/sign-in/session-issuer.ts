import { Injectable } from '@nestjs/common';
import { type ClientKind, type SessionTokensResponse } from '@app/contracts';
import { ApiError, type RequestMeta, Sql, type Tx } from '@app/core';
import type { SessionRow } from '../sessions/sessions.repository.js';
import { invalidRefreshToken, SessionsService } from '../sessions/sessions.service.js';
import { AccessTokens } from '../tokens/access-tokens.service.js';
import { toUserResponse } from '../users/user.mapper.js';
import { type UserRecord, UsersRepository } from '../users/users.repository.js';
import type { AuthResult } from './session-result.js';

/** Starts, refreshes and hands out InsForge sessions: tokens, refresh cookie, CSRF token. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly sql: Sql,
    private readonly sessions: SessionsService,
    private readonly users: UsersRepository,
    private readonly tokens: AccessTokens,
  ) {}

  /** An InsForge session for `userId`, inside the caller's transaction; `signIn` records the sign-in. */
  start(tx: Tx, userId: string, client: ClientKind, meta: RequestMeta, signIn?: { method: string }) {
    return this.sessions.start(tx, userId, { api: 'insforge', clientType: client, meta, signIn });
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

  /**
   * An InsForge refresh. An unused token of a live session is rotated, and its user read, in one
   * statement (a web client's CSRF check reads the session first). Anything else (a replay, a
   * theft, an invalid token) is decided in one transaction: the rotation rules and the user it is
   * for; a theft's revocation commits before the 401. The access token is signed last.
   */
  async refresh(
    token: string,
    client: ClientKind,
    csrfHeader: string | string[] | undefined,
    meta: RequestMeta,
  ): Promise<AuthResult<SessionTokensResponse>> {
    const rules = { api: 'insforge' as const, csrf: client === 'web' ? { header: csrfHeader } : undefined };
    const out =
      (await this.sessions.rotateUnused(token, meta, rules)) ??
      (await this.sql.transaction(async (tx) => {
        const rotated = await this.sessions.rotate(tx, token, meta, rules);
        if (!rotated.ok) return rotated;
        const user = await this.users.findById(rotated.session.userId, tx);
        return user ? { ...rotated, user } : { ok: false as const, error: 'no-user' as const };
      }));
    if (!out.ok) {
      // A theft's revocation: the request waits, bounded, until profiles refuses the session's tokens too.
      if (out.error === 'reused') await this.sessions.revocationDelivered(out.revoked);
      if (out.error === 'csrf') throw new ApiError(403, 'FORBIDDEN', 'Invalid CSRF token');
      if (out.error === 'no-user') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'User not found');
      throw invalidRefreshToken();
    }
    return this.issue(out.user, out.session, out.refreshToken, client);
  }
}
