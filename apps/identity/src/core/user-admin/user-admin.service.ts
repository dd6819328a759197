import { Injectable, Logger } from '@nestjs/common';
import { type AdminUserResponse, USERS_LIST_DEFAULT_LIMIT, USERS_LIST_MAX_LIMIT, type UsersPage } from '@app/contracts';
import { ApiError, type RequestMeta, Sql, type Tx } from '@app/core';
import { CodesRepository } from '../codes/codes.repository.js';
import { type RevokedEverywhere, SessionsService } from '../sessions/sessions.service.js';
import { CurrentUserCache } from '../users/current-user.cache.js';
import { UserEvents } from '../users/user-events.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditActor } from '../audit/audit-event.js';
import { toUserResponse } from '../users/user.mapper.js';
import { type AdminUserRecord, UserDirectoryRepository } from '../users/user-directory.repository.js';

export const userNotFound = () => new ApiError(404, 'AUTH_USER_NOT_FOUND', 'User does not exist');

export const USER_DELETED_REASON = 'user_deleted';
export const USER_BANNED_REASON = 'user_banned';

/** PostgreSQL's deadlock_detected: the deletion is retried (it is idempotent), a few times. */
const DEADLOCK = '40P01';
const DELETE_ATTEMPTS = 3;

/**
 * InsForge's lenient reading of `limit` and `offset` (`max(1, int || 10)`, `max(0, int || 0)`),
 * plus our upper bound on `limit`; `offset` is kept within what PostgreSQL's bigint and JavaScript
 * both hold exactly.
 */
export function parsePage(limit?: string, offset?: string): { limit: number; offset: number } {
  const int = (v: string | undefined) => (v === undefined ? NaN : parseInt(v, 10));
  return {
    limit: Math.min(USERS_LIST_MAX_LIMIT, Math.max(1, int(limit) || USERS_LIST_DEFAULT_LIMIT)),
    offset: Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, int(offset) || 0)),
  };
}

export function toAdminUserResponse(u: AdminUserRecord): AdminUserResponse {
  return { ...toUserResponse(u), bannedAt: u.bannedAt ? new Date(u.bannedAt).toISOString() : null };
}

/** Who acts (the admin or API key AdminGuard found) and the request, for the audit log. */
export interface AdminAct {
  actor: AuditActor;
  meta: RequestMeta;
}

interface Deleted {
  count: number;
  revoked: RevokedEverywhere[];
  events: string[];
}

/**
 * What an admin does to users: list and search, read, delete, ban and unban. A deletion or a ban
 * takes effect everywhere before it answers: every session of both APIs is revoked, every replica
 * forgets what it cached, and profiles has refused the revoked sessions (and, for a deletion,
 * removed the profile), each wait bounded like a sign-up's.
 */
@Injectable()
export class UserAdminService {
  private readonly logger = new Logger('UserAdminService');

  constructor(
    private readonly sql: Sql,
    private readonly directory: UserDirectoryRepository,
    private readonly sessions: SessionsService,
    private readonly events: UserEvents,
    private readonly codes: CodesRepository,
    private readonly cache: CurrentUserCache,
    private readonly audit: AuditLog,
  ) {}

  async list(query: { limit?: string; offset?: string; search?: string }): Promise<UsersPage> {
    const page = parsePage(query.limit, query.offset);
    // An empty search lists everyone, as InsForge's `if (search)` does.
    const search = query.search ? query.search : undefined;
    const { users, total } = await this.directory.list({ ...page, search });
    return { data: users.map(toAdminUserResponse), pagination: { ...page, total } };
  }

  async get(userId: string): Promise<AdminUserResponse> {
    const user = await this.directory.find(userId);
    if (!user) throw userNotFound();
    return toAdminUserResponse(user);
  }

  /** Deletes the users that exist among `userIds` (others are ignored, as InsForge does). */
  async delete(userIds: string[], by: AdminAct): Promise<{ message: string; deletedCount: number }> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
    const done = await this.deleteWithRetry(ids, by);
    await Promise.all([
      ...done.revoked.map((r) => this.sessions.revocationDelivered(r)),
      ...done.events.map((e) => this.events.deletedDelivered(e)),
    ]);
    this.logger.log({ deleted: done.count, requestId: by.meta.requestId }, 'users deleted');
    return { message: 'Users deleted successfully', deletedCount: done.count };
  }

  private async deleteWithRetry(ids: string[], by: AdminAct): Promise<Deleted> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sql.transaction((tx) => this.deleteIn(tx, ids, by));
      } catch (err) {
        if ((err as { code?: string }).code !== DEADLOCK || attempt >= DELETE_ATTEMPTS) throw err;
        this.logger.warn({ attempt, requestId: by.meta.requestId }, 'user deletion deadlocked with a refresh; retrying');
      }
    }
  }

  /**
   * In one transaction, in lock order: the users' rows (no sign-in of theirs can start a session
   * now), their refresh tokens (a refresh in flight finishes first), their sessions (revoked, so
   * profiles is told), their outstanding codes and links (an old reset link must not reach an
   * account someone creates later with the same email), then the rows themselves, with
   * `user.deleted` for profiles and the audit record. The email is free once this commits.
   */
  private async deleteIn(tx: Tx, ids: string[], by: AdminAct): Promise<Deleted> {
    const requestId = by.meta.requestId;
    const found = await this.directory.lockExisting(tx, ids);
    if (!found.length) return { count: 0, revoked: [], events: [] };
    const existing = found.map((u) => u.id);
    await this.directory.deleteRefreshTokens(tx, existing);
    const revoked: RevokedEverywhere[] = [];
    const events: string[] = [];
    for (const user of found) {
      revoked.push(await this.sessions.revokeEverywhere(tx, user.id, USER_DELETED_REASON, requestId));
      await this.codes.spendAllFor(tx, user.email);
      events.push(await this.events.deleted(tx, user.id, requestId));
      await this.audit.record(tx, { type: 'user.deleted', actor: by.actor, targetUserId: user.id, meta: by.meta });
    }
    const count = await this.directory.delete(tx, existing);
    this.cache.forgetUsersAfterCommit(tx, existing);
    return { count, revoked, events };
  }

  /** Bans the user and revokes every session (idempotent: a second ban keeps the first time). */
  async ban(userId: string, by: AdminAct): Promise<AdminUserResponse> {
    const requestId = by.meta.requestId;
    const revoked = await this.sql.transaction(async (tx) => {
      if (!(await this.directory.ban(tx, userId))) throw userNotFound();
      this.cache.forgetUsersAfterCommit(tx, [userId]);
      const done = await this.sessions.revokeEverywhere(tx, userId, USER_BANNED_REASON, requestId);
      await this.audit.record(tx, {
        type: 'user.banned',
        actor: by.actor,
        targetUserId: userId,
        meta: by.meta,
        details: { revokedSessions: done.sessionIds.length },
      });
      return done;
    });
    await this.sessions.revocationDelivered(revoked);
    this.logger.log({ userId, sessions: revoked.sessionIds.length, requestId }, 'user banned');
    return this.get(userId);
  }

  /** Lifts the ban: the user may sign in again (the sessions the ban revoked stay revoked). */
  async unban(userId: string, by: AdminAct): Promise<AdminUserResponse> {
    await this.sql.transaction(async (tx) => {
      if (!(await this.directory.unban(tx, userId))) throw userNotFound();
      this.cache.forgetUsersAfterCommit(tx, [userId]);
      await this.audit.record(tx, { type: 'user.unbanned', actor: by.actor, targetUserId: userId, meta: by.meta });
    });
    this.logger.log({ userId, requestId: by.meta.requestId }, 'user unbanned');
    return this.get(userId);
  }
}
