import type { DataSource } from 'typeorm';
import type { AuditLog } from '../audit/audit-log.js';
import { Clock } from '../common/clock.js';
import { sha256 } from '../common/secrets.js';
import { IdentityConfig } from '../config/identity.config.js';
import type { CurrentUserCache } from '../users/current-user.cache.js';
import type { UserEvents } from '../users/user-events.js';
import { type UserBans, userBanned } from '../users/user-bans.js';
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
  const repo = {
    sql: { transaction: (cb: (m: unknown) => unknown) => cb({}) },
    insertSession: async (_m: unknown, refreshHash: Buffer, s: Partial<SessionRow>) => {
      const row = { ...s, id: `s${sessions.size + 1}`, revokedAt: null, createdAt: clock.now(), lastUsedAt: clock.now() } as SessionRow;
      sessions.set(row.id, row);
      tokens.set(refreshHash.toString('hex'), { sessionId: row.id, rotatedAt: null, successorSealed: null });
      return row;
    },
    findByRefreshHash: async (_m: unknown, hash: Buffer) => {
      const token = tokens.get(hash.toString('hex'));
      return token ? { token: { ...token }, session: { ...sessions.get(token.sessionId)! } } : null;
    },
    rotate: async (_m: unknown, r: { tokenHash: Buffer; successorSealed: Buffer; nextHash: Buffer; sessionId: string }) => {
      Object.assign(tokens.get(r.tokenHash.toString('hex'))!, { rotatedAt: clock.now(), successorSealed: r.successorSealed });
      tokens.set(r.nextHash.toString('hex'), { sessionId: r.sessionId, rotatedAt: null, successorSealed: null });
    },
    revoke: async (where: { sessionId: string; userId?: string }) => {
      const s = sessions.get(where.sessionId);
      if (!s || s.revokedAt || (where.userId && s.userId !== where.userId)) return [];
      s.revokedAt = clock.now();
      return [where.sessionId];
    },
  };
  return { repo, sessions, tokens };
}

describe('SessionsService refresh rotation', () => {
  const meta = { requestId: 'r', ip: '127.0.0.1', userAgent: 'jest' };
  let clock: FakeClock;
  let svc: SessionsService;
  let store: ReturnType<typeof fakeRepo>;
  let bans: { assertMayStartSession: jest.Mock };
  let events: { sessionsRevoked: jest.Mock; revocationDelivered: jest.Mock };
  let audit: { record: jest.Mock };

  beforeEach(() => {
    clock = new FakeClock();
    store = fakeRepo(clock);
    const config = Object.assign(new IdentityConfig(), {
      REFRESH_REUSE_GRACE_SECONDS: 10,
      SESSION_IDLE_TTL_SECONDS: 3600,
      SESSION_ABSOLUTE_TTL_SECONDS: 86400,
    });
    const cache = { invalidateUsers: jest.fn(), invalidateSessions: jest.fn() };
    bans = { assertMayStartSession: jest.fn(async () => undefined) };
    events = { sessionsRevoked: jest.fn(async () => 'event-1'), revocationDelivered: jest.fn(async () => undefined) };
    audit = { record: jest.fn(async () => undefined) };
    const db = { transaction: (cb: (m: unknown) => unknown) => cb({ query: jest.fn() }) };
    svc = new SessionsService(
      store.repo as unknown as SessionsRepository,
      clock,
      config,
      cache as unknown as CurrentUserCache,
      events as unknown as UserEvents,
      bans as unknown as UserBans,
      audit as unknown as AuditLog,
      db as unknown as DataSource,
    );
  });

  const begin = () => svc.start({} as never, 'u1', { api: 'insforge', clientType: 'mobile', meta });

  it('starts no session for a user the ban check refuses', async () => {
    bans.assertMayStartSession.mockRejectedValueOnce(userBanned());
    await expect(begin()).rejects.toMatchObject({ code: 'AUTH_USER_BANNED' });
    expect(store.sessions.size).toBe(0);
    expect(bans.assertMayStartSession).toHaveBeenCalledWith(expect.anything(), 'u1');
  });

  it('rotates on every use and stores only hashes', async () => {
    const { refreshToken: a } = await begin();
    expect([...store.tokens.keys()]).toEqual([sha256(a).toString('hex')]);
    const { refreshToken: b } = await svc.rotate(a, meta);
    expect(b).not.toBe(a);
    const { refreshToken: c } = await svc.rotate(b, meta);
    expect(c).not.toBe(b);
  });

  it('a replay inside the grace window gets the live successor, even down a chain', async () => {
    const { refreshToken: a } = await begin();
    const { refreshToken: b } = await svc.rotate(a, meta);
    expect((await svc.rotate(a, meta)).refreshToken).toBe(b);
    const { refreshToken: c } = await svc.rotate(b, meta);
    clock.advance(5_000);
    expect((await svc.rotate(a, meta)).refreshToken).toBe(c);
  });

  it('a replay after the grace window revokes the whole session', async () => {
    const { refreshToken: a, session } = await begin();
    const { refreshToken: b } = await svc.rotate(a, meta);
    clock.advance(11_000);
    const reusesBefore = (await refreshTokenReuse.get()).values[0]?.value ?? 0;
    await expect(svc.rotate(a, meta)).rejects.toMatchObject({ code: 'AUTH_UNAUTHORIZED' });
    expect(store.sessions.get(session.id)!.revokedAt).not.toBeNull();
    // ...and counts once for the alert on refresh-token reuse.
    expect((await refreshTokenReuse.get()).values[0]?.value).toBe(reusesBefore + 1);
    // ...tells profiles in the same transaction, waits for it, and leaves its audit record.
    expect(events.sessionsRevoked).toHaveBeenCalledWith(expect.anything(), 'u1', [session.id], 'r');
    expect(events.revocationDelivered).toHaveBeenCalledWith('event-1');
    expect(audit.record).toHaveBeenCalledWith(expect.anything(), {
      type: 'refresh_token.reused',
      actor: { type: 'anonymous', id: null },
      targetUserId: 'u1',
      targetId: session.id,
      meta,
      details: { api: 'insforge' },
    });
    await expect(svc.rotate(b, meta)).rejects.toMatchObject({ code: 'AUTH_UNAUTHORIZED' });
  });

  it('a sign-in records sign_in.succeeded in its transaction; a sign-up’s first session does not', async () => {
    await begin();
    expect(audit.record).not.toHaveBeenCalled();
    const tx = {} as never;
    const { session } = await svc.start(tx, 'u1', { api: 'gorb', clientType: 'gorb', meta, signIn: { method: 'password' } });
    expect(audit.record).toHaveBeenCalledWith(tx, {
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
    await expect(svc.rotate('nope', meta)).rejects.toMatchObject({ code: 'AUTH_UNAUTHORIZED' });
    await expect(svc.rotate('a'.repeat(64), meta)).rejects.toMatchObject({ code: 'AUTH_UNAUTHORIZED' });
    const { refreshToken } = await begin();
    clock.advance(3601_000);
    await expect(svc.rotate(refreshToken, meta)).rejects.toMatchObject({ message: 'Invalid or expired refresh token' });
  });

  it('the CSRF check runs before anything changes', async () => {
    const { refreshToken: a } = await begin();
    await expect(
      svc.rotate(a, meta, () => {
        throw new Error('csrf');
      }),
    ).rejects.toThrow('csrf');
    expect([...store.tokens.values()][0]!.rotatedAt).toBeNull();
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
