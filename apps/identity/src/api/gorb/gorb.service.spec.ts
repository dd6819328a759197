import { ApiError, type Tx } from '@app/core';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { invalidCredentials } from '../../core/sign-in/password-check.js';
import { UniqueViolation, type UserRecord } from '../../core/users/users.repository.js';
import { GorbService } from './gorb.service.js';
import type { AuthConfig } from '../../core/auth-config/auth-config.repository.js';
import { authConfigWith, meta, refusal } from '../front-doors.testing.js';

/** The rules of the Gorb front door, with every collaborator faked (no I/O). */

const PASSWORD = 'correct horse battery';
const user: UserRecord = {
  id: 'u1',
  email: 'ada@example.com',
  username: 'ada',
  passwordHash: '$argon2id$x',
  emailVerified: true,
  profile: {},
  metadata: {},
  providers: [],
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

function setup(cfg: Partial<AuthConfig> = {}) {
  const tx = { query: jest.fn(), afterCommit: jest.fn() } as unknown as Tx;
  const f = {
    sql: { transaction: jest.fn(async (work: (t: Tx) => unknown) => work(tx)) },
    passwords: {
      check: jest.fn(async (_id: string, _pw: string, _m: unknown, _lookup?: () => Promise<UserRecord | null>) => user),
      assertUnchanged: jest.fn(async (_tx: unknown, _user: unknown, _unverified: () => ApiError) => undefined),
    },
    users: {
      findByEmail: jest.fn(async () => user),
      findByUsername: jest.fn(async () => user),
      findById: jest.fn(async (): Promise<UserRecord | null> => user),
      insert: jest.fn(async () => user),
    },
    sessions: {
      start: jest.fn(async () => ({ session: { id: 's1' }, refreshToken: 'r'.repeat(64) })),
      rotate: jest.fn(async (): Promise<object> => ({ ok: true, session: { id: 's1' }, refreshToken: 'n'.repeat(64) })),
      end: jest.fn(async () => 1),
      revocationDelivered: jest.fn(async () => undefined),
      listLive: jest.fn(async () => []),
    },
    sessionsRepo: { insertOpaqueAccessToken: jest.fn() },
    hasher: { hash: jest.fn(async () => 'hash') },
    authConfig: {
      get: jest.fn(async () => authConfigWith(cfg)),
    },
    limits: { consume: jest.fn() },
    events: { registered: jest.fn(async () => 'ev1'), registeredDelivered: jest.fn() },
    audit: { record: jest.fn() },
  };
  const config = Object.assign(new IdentityConfig(), { GORB_INSTANCE_DOMAIN: 'gorb.test', GORB_ACCESS_TTL_SECONDS: 86400 });
  const gorb = new GorbService(
    f.sql as never,
    config,
    f.passwords as never,
    f.users as never,
    f.sessions as never,
    f.sessionsRepo as never,
    f.hasher as never,
    f.authConfig as never,
    f.limits as never,
    f.events as never,
    f.audit as never,
  );
  return { gorb, f, tx };
}

describe('GorbService', () => {
  describe('login', () => {
    it('needs an identifier or an email', async () => {
      const { gorb } = setup();
      expect((await refusal(gorb.login({ password: PASSWORD } as never, meta))).getStatus()).toBe(400);
    });

    it('looks an identifier up by username, an address by email, through the shared password check', async () => {
      const { gorb, f } = setup();
      f.passwords.check.mockImplementation(
        async (_id: string, _pw: string, _m: unknown, lookup?: () => Promise<UserRecord | null>) => (await lookup!())!,
      );
      await gorb.login({ identifier: 'ada', password: PASSWORD }, meta);
      expect(f.users.findByUsername).toHaveBeenCalledWith('ada');
      await gorb.login({ identifier: 'ada@example.com', password: PASSWORD }, meta);
      expect(f.users.findByEmail).toHaveBeenCalledWith('ada@example.com');
    });

    it("answers the seed's 403 for any bad credential, also when the password changed in between", async () => {
      const { gorb, f } = setup();
      f.passwords.check.mockRejectedValueOnce(invalidCredentials());
      const e = await refusal(gorb.login({ identifier: 'ada', password: 'wrong' }, meta));
      expect([e.getStatus(), e.message]).toEqual([403, 'Invalid credentials']);
      f.passwords.assertUnchanged.mockRejectedValueOnce(invalidCredentials());
      expect((await refusal(gorb.login({ identifier: 'ada', password: PASSWORD }, meta))).getStatus()).toBe(403);
      expect(f.sessions.start).not.toHaveBeenCalled();
    });

    it('rate-limit refusals pass through unchanged (429, not a 403)', async () => {
      const { gorb, f } = setup();
      f.passwords.check.mockRejectedValueOnce(new ApiError(429, 'TOO_MANY_REQUESTS', 'slow down'));
      expect((await refusal(gorb.login({ identifier: 'ada', password: PASSWORD }, meta))).getStatus()).toBe(429);
    });

    it('an unverified account gets no session when verification is required (read in the session transaction)', async () => {
      const { gorb, f } = setup();
      f.passwords.assertUnchanged.mockImplementationOnce(async (_tx: unknown, _user: unknown, unverified: () => ApiError) => {
        throw unverified();
      });
      const e = await refusal(gorb.login({ identifier: 'ada', password: PASSWORD }, meta));
      expect([e.getStatus(), e.message]).toEqual([403, 'Email verification required']);
      expect(f.sessions.start).not.toHaveBeenCalled();
    });

    it('a Gorb session with an opaque access token, in the transaction that re-checks the password', async () => {
      const { gorb, f, tx } = setup();
      const out = await gorb.login({ identifier: 'ada', password: PASSWORD, device_name: 'Pixel' }, meta);
      expect(f.passwords.assertUnchanged).toHaveBeenCalledWith(tx, user, expect.any(Function));
      expect(f.sessions.start).toHaveBeenCalledWith(
        tx,
        'u1',
        expect.objectContaining({ api: 'gorb', deviceName: 'Pixel', signIn: { method: 'password' } }),
      );
      expect(f.sessionsRepo.insertOpaqueAccessToken).toHaveBeenCalledWith(tx, expect.any(Buffer), 's1', expect.any(Date));
      expect(out).toMatchObject({ user_id: '@ada@gorb.test', uuid: 'u1', expires_in: 86400, refresh_token: 'r'.repeat(64) });
      expect(out.access_token).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('register', () => {
    const req = { identifier: 'ada_l', email: 'ada@example.com', password: PASSWORD, device_name: 'Pixel' };

    it('refuses with every flag, from the one password policy and the config', async () => {
      const { gorb, f } = setup({ disableSignup: true, requireNumber: true });
      const e = await refusal(gorb.register({ ...req, identifier: 'A!', email: 'nope' }, meta));
      expect(e.getStatus()).toBe(403);
      expect(e.extra).toMatchObject({
        signups_enabled: false,
        gorb_id_valid: false,
        email_valid: false,
        password_numbers: false,
        password_minimum_length: true,
      });
      expect(f.users.insert).not.toHaveBeenCalled();
    });

    it('a taken username or email is named in the flags', async () => {
      const { gorb, f } = setup();
      f.users.insert.mockRejectedValueOnce(new UniqueViolation('users_username_key'));
      expect((await refusal(gorb.register(req, meta))).extra).toMatchObject({ gorb_id_available: false, email_available: true });
      f.users.insert.mockRejectedValueOnce(new UniqueViolation('users_email_key'));
      expect((await refusal(gorb.register(req, meta))).extra).toMatchObject({ email_available: false });
    });

    it('writes the user, its event and its session in one transaction, then waits for profiles', async () => {
      const { gorb, f, tx } = setup();
      await gorb.register(req, meta);
      expect(f.users.insert).toHaveBeenCalledWith(tx, expect.objectContaining({ username: 'ada_l', passwordHash: 'hash' }));
      expect(f.events.registered).toHaveBeenCalledWith(tx, user, {}, 'r1');
      expect(f.audit.record).toHaveBeenCalledWith(tx, expect.objectContaining({ type: 'user.created', targetUserId: 'u1' }));
      expect(f.events.registeredDelivered).toHaveBeenCalledWith('ev1');
    });
  });

  describe('refresh', () => {
    it('rotates a Gorb session and issues its new access token in the same transaction', async () => {
      const { gorb, f, tx } = setup();
      const out = await gorb.refresh('t'.repeat(64), meta);
      expect(f.sessions.rotate).toHaveBeenCalledWith(tx, 't'.repeat(64), meta, { api: 'gorb' });
      expect(f.sessionsRepo.insertOpaqueAccessToken).toHaveBeenCalledWith(tx, expect.any(Buffer), 's1', expect.any(Date));
      expect(out.refresh_token).toBe('n'.repeat(64));
    });

    it('a refused rotation, or a session deleted meanwhile, is 401; a reuse waits for profiles first', async () => {
      const { gorb, f } = setup();
      f.sessions.rotate.mockResolvedValueOnce({ ok: false, error: 'invalid' });
      expect((await refusal(gorb.refresh('t'.repeat(64), meta))).getStatus()).toBe(401);
      expect(f.sessions.revocationDelivered).not.toHaveBeenCalled();
      const revoked = { userId: 'u1', sessionIds: ['s1'], event: 'ev2' };
      f.sessions.rotate.mockResolvedValueOnce({ ok: false, error: 'reused', revoked });
      expect((await refusal(gorb.refresh('t'.repeat(64), meta))).getStatus()).toBe(401);
      expect(f.sessions.revocationDelivered).toHaveBeenCalledWith(revoked);
      f.sessionsRepo.insertOpaqueAccessToken.mockRejectedValueOnce(Object.assign(new Error('fk'), { code: '23503' }));
      expect((await refusal(gorb.refresh('t'.repeat(64), meta))).getStatus()).toBe(401);
    });
  });

  describe('revoke', () => {
    it('needs a device, and the password again (403 when wrong, nothing revoked)', async () => {
      const { gorb, f } = setup();
      expect((await refusal(gorb.revoke('u1', { password: PASSWORD } as never, meta))).getStatus()).toBe(400);
      f.passwords.check.mockRejectedValueOnce(invalidCredentials());
      expect((await refusal(gorb.revoke('u1', { password: 'wrong', device_id: 's2' }, meta))).getStatus()).toBe(403);
      expect(f.sessions.end).not.toHaveBeenCalled();
    });

    it('the password check is counted per user (its own rate-limit key), and revokes by id or by name', async () => {
      const { gorb, f } = setup();
      expect(await gorb.revoke('u1', { password: PASSWORD, device_id: 's2' }, meta)).toEqual({ deleted: true });
      expect(f.passwords.check).toHaveBeenCalledWith('gorb-revoke:u1', PASSWORD, meta, expect.any(Function), {
        api: 'gorb',
        purpose: 'device_revoke',
        actor: { type: 'user', id: 'u1' },
      });
      const end = { reason: 'device_revoked', actor: { type: 'user', id: 'u1' }, meta, api: 'gorb' };
      expect(f.sessions.end).toHaveBeenCalledWith('u1', { sessionId: 's2' }, end);
      await gorb.revoke('u1', { password: PASSWORD, device_name: 'Pixel' }, meta);
      expect(f.sessions.end).toHaveBeenCalledWith('u1', { deviceName: 'Pixel' }, end);
      f.sessions.end.mockResolvedValueOnce(0);
      expect(await gorb.revoke('u1', { password: PASSWORD, device_id: 'gone' }, meta)).toEqual({ deleted: false });
    });
  });
});
