import type { Sql } from '@app/core';
import type { AuditLog } from '../audit/audit-log.js';
import { Clock } from '../common/clock.js';
import { sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import { CurrentUserCache } from '../users/current-user.cache.js';
import type { UserEvents } from '../users/user-events.js';
import { UserBans } from '../users/user-bans.js';
import type { RefreshTokenRow, SessionRow, SessionsRepository } from './sessions.repository.js';
import { refreshTokenReuse } from './sessions.metrics.js';
import { SessionsService } from './sessions.service.js';

class FakeClock extends Clock {
  t = new Date('2026-01-01T00:00:00Z');
  now() {
    return this.t;
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** In-memory sessions and refresh tokens: the rotation rules under test live in the service. */
function fakeRepo(clock: FakeClock) {
  const sessions = new Map<string, SessionRow>();
  const tokens = new Map<string, RefreshTokenRow>();
  /** users as the session statement finds them (absent: active) */
  const users = new Map<string, 'banned' | 'missing'>();
  const repo = {
    sql: {},
    insertSession: async (_m: unknown, refreshHash: Buffer, s: Partial<SessionRow>) => {
      const state = users.get(s.userId!);
      if (state) return { user: state, session: null };
      const row = { ...s, id: `s${sessions.size + 1}`, revokedAt: null, createdAt: clock.now(), lastUsedAt: clock.now() } as SessionRow;
      sessions.set(row.id, row);
      tokens.set(refreshHash.toString('hex'), { sessionId: row.id, rotatedAt: null, successorSealed: null });
      return { user: 'active', session: row };
    },
    findByRefreshHash: async (_m: unknown, hash: Buffer) => {
      const token = tokens.get(hash.toString('hex'));
      return token ? { token: { ...token }, session: { ...sessions.get(token.sessionId)! } } : null;
    },
    rotate: async (_m: unknown, r: { tokenHash: Buffer; successorSealed: Buffer; nextHash: Buffer; sessionId: string }) => {
      Object.assign(tokens.get(r.tokenHash.toString('hex'))!, { rotatedAt: clock.now(), successorSealed: r.successorSealed });
      tokens.set(r.nextHash.toString('hex'), { sessionId: r.sessionId, rotatedAt: null, successorSealed: null });
    },
    // The one-statement rotation's conditions, as its SQL states them (e2e tests run the SQL).
    rotateUnused: async (r: {
      tokenHash: Buffer;
      successorSealed: Buffer;
      nextHash: Buffer;
      api: string;
      sessionId: string | null;
      now: Date;
    }) => {
      const token = tokens.get(r.tokenHash.toString('hex'));
      const s = token && sessions.get(token.sessionId);
      if (!token || !s || token.rotatedAt || s.api !== r.api || (r.sessionId && s.id !== r.sessionId)) return null;
      if (s.revokedAt || s.idleExpiresAt <= r.now || s.absoluteExpiresAt <= r.now) return null;
      Object.assign(token, { rotatedAt: clock.now(), successorSealed: r.successorSealed });
      tokens.set(r.nextHash.toString('hex'), { sessionId: s.id, rotatedAt: null, successorSealed: null });
      return { session: { ...s }, user: { id: s.userId } };
    },
    revoke: async (where: { sessionId: string; userId?: string }) => {
      const s = sessions.get(where.sessionId);
      if (!s || s.revokedAt || (where.userId && s.userId !== where.userId)) return [];
      s.revokedAt = clock.now();
      return [where.sessionId];
    },
  };
  return { repo, sessions, tokens, users };
}

describe('SessionsService refresh rotation', () => {
  const meta = { requestId: 'r', ip: '127.0.0.1', userAgent: 'jest' };
  let clock: FakeClock;
  let svc: SessionsService;
  let store: ReturnType<typeof fakeRepo>;
  let events: { sessionsRevoked: jest.Mock; revocationDelivered: jest.Mock };
  let audit: { record: jest.Mock };
  let cache: { invalidateUsers: jest.Mock; invalidateSessions: jest.Mock };

  beforeEach(() => {
    clock = new FakeClock();
    store = fakeRepo(clock);
    const config = Object.assign(new IdentityConfig(), {
      REFRESH_REUSE_GRACE_SECONDS: 10,
      SESSION_IDLE_TTL_SECONDS: 3600,
      SESSION_ABSOLUTE_TTL_SECONDS: 86400,
    });
    // The real after-commit wiring (forget*AfterCommit) over faked invalidations (no Redis).
    cache = Object.assign(Object.create(CurrentUserCache.prototype) as CurrentUserCache, {
      invalidateUsers: jest.fn(),
      invalidateSessions: jest.fn(),
    });
    events = { sessionsRevoked: jest.fn(async () => 'event-1'), revocationDelivered: jest.fn(async () => undefined) };
    audit = { record: jest.fn(async () => undefined) };
    // end()'s transaction: commits, then runs its after-commit hooks (as Sql.transaction does).
    const sql = {
      transaction: async (cb: (tx: unknown) => unknown) => {
        const after: (() => unknown)[] = [];
        const out = await cb({ query: jest.fn(), afterCommit: (fn: () => unknown) => after.push(fn) });
        for (const fn of after) await fn();
        return out;
      },
    };
    svc = new SessionsService(
      store.repo as unknown as SessionsRepository,
      clock,
      config,
      cache as unknown as CurrentUserCache,
      events as unknown as UserEvents,
      new UserBans(),
      audit as unknown as AuditLog,
      sql as unknown as Sql,
    );
  });

  const begin = () => svc.start({} as never, 'u1', { api: 'insforge', clientType: 'mobile', meta });

  it('starts no session for a banned user (403) or a vanished one (401), and records no sign-in', async () => {
    store.users.set('u1', 'banned');
    await expect(
      svc.start({} as never, 'u1', { api: 'insforge', clientType: 'mobile', meta, signIn: { method: 'password' } }),
    ).rejects.toMatchObject({
      code: 'AUTH_USER_BANNED',
    });
    store.users.set('u1', 'missing');
    await expect(begin()).rejects.toMatchObject({ status: 401, code: 'AUTH_UNAUTHORIZED' });
    expect(store.sessions.size).toBe(0);
    expect(audit.record).not.toHaveBeenCalled();
  });

  /** A fake transaction: statements go to the fake repository; after-commit hooks are collected. */
  const hooks: (() => unknown)[] = [];
  const tx = { query: jest.fn(), afterCommit: (fn: () => unknown) => hooks.push(fn) } as never;
  const insforge = { api: 'insforge' as const };
  const rotate = async (token: string, rules: Parameters<SessionsService['rotate']>[3] = insforge) => svc.rotate(tx, token, meta, rules);
  const next = async (token: string) => {
    const r = await rotate(token);
    if (!r.ok) throw new Error(`rotation refused: ${r.error}`);
    return r.refreshToken;
  };

  it('rotates on every use and stores only hashes', async () => {
    const { refreshToken: a } = await begin();
    expect([...store.tokens.keys()]).toEqual([sha256(a).toString('hex')]);
    const b = await next(a);
    expect(b).not.toBe(a);
    const c = await next(b);
    expect(c).not.toBe(b);
  });

  it('a replay inside the grace window gets the live successor, even down a chain', async () => {
    const { refreshToken: a } = await begin();
    const b = await next(a);
    expect(await next(a)).toBe(b);
    const c = await next(b);
    clock.advance(5_000);
    expect(await next(a)).toBe(c);
  });

  it('a replay after the grace window revokes the whole session, and every replica forgets it after the commit', async () => {
    const { refreshToken: a, session } = await begin();
    const b = await next(a);
    clock.advance(11_000);
    const reusesBefore = (await refreshTokenReuse.get()).values[0]?.value ?? 0;
    hooks.length = 0;
    expect(await rotate(a)).toEqual({ ok: false, error: 'reused', revoked: { userId: 'u1', sessionIds: [session.id], event: 'event-1' } });
    expect(store.sessions.get(session.id)!.revokedAt).not.toBeNull();
    // ...counts once for the alert on refresh-token reuse...
    expect((await refreshTokenReuse.get()).values[0]?.value).toBe(reusesBefore + 1);
    // ...tells profiles in the same transaction (the caller waits for it after the commit) and
    // leaves its audit record...
    expect(events.sessionsRevoked).toHaveBeenCalledWith(tx, 'u1', [session.id], 'r');
    expect(audit.record).toHaveBeenCalledWith(tx, {
      type: 'refresh_token.reused',
      actor: { type: 'anonymous', id: null },
      targetUserId: 'u1',
      targetId: session.id,
      meta,
      details: { api: 'insforge' },
    });
    // ...and the cache invalidation waits for the commit.
    expect(cache.invalidateSessions).not.toHaveBeenCalled();
    expect(hooks).toHaveLength(1);
    await hooks[0]!();
    expect(cache.invalidateSessions).toHaveBeenCalledWith([session.id]);
    expect(await rotate(b)).toEqual({ ok: false, error: 'invalid' });
  });

  it('a sign-in records sign_in.succeeded in its transaction; a sign-up’s first session does not', async () => {
    await begin();
    expect(audit.record).not.toHaveBeenCalled();
    const signInTx = {} as never;
    const { session } = await svc.start(signInTx, 'u1', { api: 'gorb', clientType: 'gorb', meta, signIn: { method: 'password' } });
    expect(audit.record).toHaveBeenCalledWith(signInTx, {
      type: 'sign_in.succeeded',
      actor: { type: 'user', id: 'u1' },
      targetUserId: 'u1',
      targetId: session.id,
      meta,
      details: { api: 'gorb', method: 'password' },
    });
  });

  it('end(): revokes, records session.revoked and user.sessions-revoked together, then waits for profiles', async () => {
    const { session } = await begin();
    const actor = { type: 'user' as const, id: 'u1' };
    expect(await svc.end('u1', { sessionId: session.id }, { reason: 'logout', actor, meta, api: 'insforge' })).toBe(1);
    expect(store.sessions.get(session.id)!.revokedAt).not.toBeNull();
    expect(events.sessionsRevoked).toHaveBeenCalledWith(expect.anything(), 'u1', [session.id], 'r');
    expect(audit.record).toHaveBeenCalledWith(expect.anything(), {
      type: 'session.revoked',
      actor,
      targetUserId: 'u1',
      targetId: session.id,
      meta,
      details: { reason: 'logout', api: 'insforge', count: 1 },
    });
    expect(events.revocationDelivered).toHaveBeenCalledWith('event-1');
    expect(cache.invalidateSessions).toHaveBeenCalledWith([session.id]);
    // Nothing left to end (already revoked, or another user's session): nothing recorded.
    audit.record.mockClear();
    events.sessionsRevoked.mockClear();
    expect(await svc.end('u1', { sessionId: session.id }, { reason: 'logout', actor, meta })).toBe(0);
    const other = await begin();
    expect(await svc.end('u2', { sessionId: other.session.id }, { reason: 'user_revoked', actor, meta })).toBe(0);
    expect(audit.record).not.toHaveBeenCalled();
    expect(events.sessionsRevoked).not.toHaveBeenCalled();
  });

  it('refuses malformed, unknown and expired tokens', async () => {
    expect(await rotate('nope')).toEqual({ ok: false, error: 'invalid' });
    expect(await rotate('a'.repeat(64))).toEqual({ ok: false, error: 'invalid' });
    const { refreshToken } = await begin();
    clock.advance(3601_000);
    expect(await rotate(refreshToken)).toEqual({ ok: false, error: 'invalid' });
  });

  it("refuses another API's session (a Gorb session refreshes through /v1 only)", async () => {
    const { refreshToken } = await begin();
    expect(await rotate(refreshToken, { api: 'gorb' })).toEqual({ ok: false, error: 'invalid' });
    expect([...store.tokens.values()][0]!.rotatedAt).toBeNull();
  });

  it('the CSRF check runs before anything changes', async () => {
    const { refreshToken: a, session } = await begin();
    expect(await rotate(a, { api: 'insforge', csrf: { header: 'f'.repeat(64) } })).toEqual({ ok: false, error: 'csrf' });
    expect(await rotate(a, { api: 'insforge', csrf: { header: undefined } })).toEqual({ ok: false, error: 'csrf' });
    expect([...store.tokens.values()][0]!.rotatedAt).toBeNull();
    expect((await rotate(a, { api: 'insforge', csrf: { header: svc.csrfTokenFor(session) } })).ok).toBe(true);
  });

  it('rotateUnused: an unused token rotates in one statement; anything else is left to the transaction, unchanged', async () => {
    const { refreshToken: a } = await begin();
    const first = await svc.rotateUnused(a, meta, insforge);
    if (!first?.ok) throw new Error('the unused token did not rotate');
    // A's second use is a replay: not this path's to decide; the transaction returns the same successor.
    expect(await svc.rotateUnused(a, meta, insforge)).toBeNull();
    expect(await next(a)).toBe(first.refreshToken);
    // Another API's session, an expired one, a malformed token: nothing changes.
    expect(await svc.rotateUnused(first.refreshToken, meta, { api: 'gorb' })).toBeNull();
    expect(await svc.rotateUnused('nope', meta, insforge)).toEqual({ ok: false, error: 'invalid' });
    clock.advance(3601_000);
    expect(await svc.rotateUnused(first.refreshToken, meta, insforge)).toBeNull();
    expect(store.tokens.get(sha256(first.refreshToken).toString('hex'))!.rotatedAt).toBeNull();
  });

  it('rotateUnused: a web client’s CSRF header is checked against the session before anything changes', async () => {
    const { refreshToken: a, session } = await begin();
    expect(await svc.rotateUnused(a, meta, { api: 'insforge', csrf: { header: 'f'.repeat(64) } })).toEqual({ ok: false, error: 'csrf' });
    expect(await svc.rotateUnused(a, meta, { api: 'insforge', csrf: { header: undefined } })).toEqual({ ok: false, error: 'csrf' });
    expect([...store.tokens.values()][0]!.rotatedAt).toBeNull();
    expect((await svc.rotateUnused(a, meta, { api: 'insforge', csrf: { header: svc.csrfTokenFor(session) } }))?.ok).toBe(true);
  });

  it('the CSRF token is stable for a session and differs between sessions', async () => {
    const s1 = (await begin()).session;
    const s2 = (await begin()).session;
    expect(svc.csrfTokenFor(s1)).toBe(svc.csrfTokenFor(s1));
    expect(svc.csrfTokenFor(s1)).not.toBe(svc.csrfTokenFor(s2));
    expect(svc.csrfMatches(s1, svc.csrfTokenFor(s1))).toBe(true);
    expect(svc.csrfMatches(s1, `${svc.csrfTokenFor(s1)}, ${svc.csrfTokenFor(s1)}`)).toBe(false);
    expect(svc.csrfMatches(s1, undefined)).toBe(false);
  });
});
