import type { Tx } from '@app/core';
import { ApiError } from '@app/core';
import type { AuthConfig } from '../../core/auth-config/auth-config.repository.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { UniqueViolation, type UserRecord } from '../../core/users/users.repository.js';
import { AuthService } from './auth.service.js';
import { authConfigWith, meta, refusal as refusedWith } from '../front-doors.testing.js';

/** The rules of the InsForge front door, with every collaborator faked (no I/O). */

const user: UserRecord = {
  id: 'u1',
  email: 'ada@example.com',
  username: null,
  passwordHash: '$argon2id$x',
  emailVerified: true,
  profile: {},
  metadata: {},
  providers: ['email'],
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const session = { id: 's1', absoluteExpiresAt: new Date(Date.now() + 3600_000) };

/** The refusal's status, code and message. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const e = await refusedWith(p);
  return { status: e.getStatus(), code: e.code, message: e.message };
}

function setup(cfg: Partial<AuthConfig> = {}) {
  const order: string[] = [];
  const tx = { query: jest.fn(), afterCommit: jest.fn() } as unknown as Tx;
  const f = {
    sql: { transaction: jest.fn(async (work: (t: Tx) => unknown) => (order.push('transaction'), work(tx))) },
    users: {
      insert: jest.fn(async () => user),
      findByEmail: jest.fn(async () => user),
      findById: jest.fn(async () => user),
      addProvider: jest.fn(),
      findWithSession: jest.fn(async () => ({ user, sessionLive: true })),
    },
    hasher: { hash: jest.fn(async () => 'hash') },
    passwords: {
      check: jest.fn(async () => user),
      assertUnchanged: jest.fn(async (_tx: unknown, _user: unknown, _unverified: () => ApiError) => undefined),
    },
    issuer: {
      start: jest.fn(async () => ({ session, refreshToken: 'r'.repeat(64) })),
      issue: jest.fn(async () => ({ body: { user: { id: 'u1' }, accessToken: 'jwt', refreshToken: 'r'.repeat(64) } })),
      refresh: jest.fn(async () => ({ body: { refreshToken: 'n'.repeat(64), user: { id: 'u1' }, accessToken: 'jwt2' } })),
    },
    redirects: { assertAllowed: jest.fn() },
    sessions: {
      sessionOfRefreshToken: jest.fn(async (): Promise<object | null> => ({ ...session, userId: 'u1' })),
      csrfMatches: jest.fn(() => true),
      end: jest.fn(async () => 1),
    },
    tokens: { verify: jest.fn(async (): Promise<object | null> => ({ userId: 'u1', sessionId: 's1' })) },
    authConfig: { get: jest.fn(async () => authConfigWith(cfg)) },
    limits: { consume: jest.fn(), assertNotBlocked: jest.fn(), penalize: jest.fn() },
    events: {
      registered: jest.fn(async () => (order.push('registered'), 'ev1')),
      registeredDelivered: jest.fn(async () => void order.push('delivered')),
    },
    email: { recordVerification: jest.fn() },
    codes: { consumeCode: jest.fn(async () => ({ ok: true, redirectTo: null })) },
    currentUsers: { get: jest.fn(() => undefined), set: jest.fn() },
    claims: { claim: jest.fn(async () => ({ userId: 'u1', claimed: false, revokedSessions: 0 })), delivered: jest.fn() },
    audit: { record: jest.fn() },
  };
  const config = new IdentityConfig();
  const auth = new AuthService(
    f.sql as never,
    config,
    f.users as never,
    f.hasher as never,
    f.passwords as never,
    f.issuer as never,
    f.redirects as never,
    f.sessions as never,
    f.tokens as never,
    f.authConfig as never,
    f.limits as never,
    f.events as never,
    f.email as never,
    f.codes as never,
    f.currentUsers as never,
    f.claims as never,
    f.audit as never,
  );
  return { auth, f, tx, order };
}

describe('AuthService', () => {
  describe('sign-up', () => {
    const req = { email: 'ada@example.com', password: 'correct horse' };

    it('is rate limited per address before anything else', async () => {
      const { auth, f } = setup();
      f.limits.consume.mockRejectedValueOnce(new ApiError(429, 'TOO_MANY_REQUESTS', 'slow down'));
      expect((await refusal(auth.signUp(req, 'mobile', meta))).status).toBe(429);
      expect(f.limits.consume).toHaveBeenCalledWith('sign-up:ip', meta.ip);
      expect(f.users.insert).not.toHaveBeenCalled();
    });

    it('refuses when sign-ups are off, and a password the policy refuses, before hashing', async () => {
      expect(await refusal(setup({ disableSignup: true }).auth.signUp(req, 'mobile', meta))).toMatchObject({
        status: 403,
        code: 'AUTH_SIGNUP_DISABLED',
      });
      const { auth, f } = setup({ passwordMinLength: 20 });
      expect(await refusal(auth.signUp(req, 'mobile', meta))).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
      expect(f.hasher.hash).not.toHaveBeenCalled();
    });

    it('link verification needs a redirect, and every redirect goes through the allow-list', async () => {
      const link = setup({ requireEmailVerification: true, verifyEmailMethod: 'link' });
      expect(await refusal(link.auth.signUp(req, 'mobile', meta))).toMatchObject({ status: 400 });
      const { auth, f } = setup();
      await auth.signUp({ ...req, redirectTo: 'https://app.example.com/welcome' }, 'mobile', meta);
      expect(f.redirects.assertAllowed).toHaveBeenCalledWith('https://app.example.com/welcome', expect.anything());
    });

    it('with verification on: records the mail in the sign-up transaction and starts no session', async () => {
      const { auth, f, tx } = setup({ requireEmailVerification: true });
      const out = await auth.signUp(req, 'web', meta);
      expect(out).toEqual({ body: { accessToken: null, requireEmailVerification: true } });
      expect(f.email.recordVerification).toHaveBeenCalledWith(tx, expect.objectContaining({ email: user.email }), 'code', undefined, 'r1');
      expect(f.issuer.start).not.toHaveBeenCalled();
    });

    it('without: one transaction writes the user, its event and its session; the answer waits for profiles', async () => {
      const { auth, f, tx, order } = setup();
      const out = await auth.signUp({ ...req, name: 'Ada' }, 'mobile', meta);
      expect(f.users.insert).toHaveBeenCalledWith(tx, expect.objectContaining({ passwordHash: 'hash', profile: { name: 'Ada' } }));
      expect(f.issuer.start).toHaveBeenCalledWith(tx, 'u1', 'mobile', meta);
      expect(f.audit.record).toHaveBeenCalledWith(
        tx,
        expect.objectContaining({ type: 'user.created', actor: { type: 'anonymous', id: null } }),
      );
      expect(order).toEqual(['transaction', 'registered', 'delivered']);
      expect(out.body).toMatchObject({ accessToken: 'jwt', requireEmailVerification: false });
    });

    it('an admin creates past disabled sign-ups, with autoConfirm, without a mail or a session for the caller', async () => {
      const { auth, f, tx } = setup({ disableSignup: true, requireEmailVerification: true });
      const admin = { type: 'api_key' as const, id: 'k1' };
      const out = await auth.signUp({ ...req, autoConfirm: true }, 'web', meta, admin);
      expect(f.users.insert).toHaveBeenCalledWith(tx, expect.objectContaining({ emailVerified: true }));
      // The audit record names the admin or key that created the account.
      expect(f.audit.record).toHaveBeenCalledWith(tx, expect.objectContaining({ type: 'user.created', actor: admin }));
      expect(f.email.recordVerification).not.toHaveBeenCalled();
      expect(f.issuer.start).not.toHaveBeenCalled();
      expect(out.cookie).toBeUndefined();
    });

    it('autoConfirm means nothing to a user signing themselves up', async () => {
      const { auth, f, tx } = setup();
      await auth.signUp({ ...req, autoConfirm: true }, 'mobile', meta);
      expect(f.users.insert).toHaveBeenCalledWith(tx, expect.objectContaining({ emailVerified: false }));
    });

    it('an existing email is 409 AUTH_EMAIL_EXISTS', async () => {
      const { auth, f } = setup();
      f.users.insert.mockRejectedValueOnce(new UniqueViolation('users_email_key'));
      expect(await refusal(auth.signUp(req, 'mobile', meta))).toMatchObject({ status: 409, code: 'AUTH_EMAIL_EXISTS' });
    });
  });

  describe('password sign-in', () => {
    const req = { email: 'ada@example.com', password: 'correct horse' };

    it('checks the password through the kernel, then re-checks it in the session transaction', async () => {
      const { auth, f, tx } = setup();
      await auth.signIn(req, 'mobile', meta);
      expect(f.passwords.check).toHaveBeenCalledWith(req.email, req.password, meta);
      expect(f.passwords.assertUnchanged).toHaveBeenCalledWith(tx, user, expect.any(Function));
      expect(f.issuer.start).toHaveBeenCalledWith(tx, 'u1', 'mobile', meta, { method: 'password' });
    });

    it("an unverified account gets InsForge's 403 when verification is required (read in that transaction), and no session", async () => {
      const { auth, f } = setup();
      f.passwords.assertUnchanged.mockImplementationOnce(async (_tx: unknown, _user: unknown, unverified: () => ApiError) => {
        throw unverified();
      });
      expect(await refusal(auth.signIn(req, 'mobile', meta))).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
        message: 'Email verification required',
      });
      expect(f.issuer.start).not.toHaveBeenCalled();
    });
  });

  describe('code sign-in', () => {
    const req = { email: 'ada@example.com', method: 'otp' as const, otp: '123456' };

    it('a wrong code counts against the address and answers 400', async () => {
      const { auth, f } = setup();
      f.codes.consumeCode.mockResolvedValueOnce({ ok: false } as never);
      expect(await refusal(auth.signIn(req, 'mobile', meta))).toMatchObject({ status: 400 });
      expect(f.limits.penalize).toHaveBeenCalledWith('verify-fail:ip', meta.ip);
      expect(f.issuer.start).not.toHaveBeenCalled();
      // Recorded on its own (the transaction spent nothing), naming the account the address has.
      expect(f.audit.record).toHaveBeenCalledWith(
        null,
        expect.objectContaining({
          type: 'sign_in.failed',
          targetUserId: 'u1',
          details: expect.objectContaining({ reason: 'invalid_code' }),
        }),
      );
    });

    it('an existing account is claimed by the code (in the same transaction) before its session starts', async () => {
      const { auth, f, tx } = setup();
      await auth.signIn(req, 'mobile', meta);
      expect(f.claims.claim).toHaveBeenCalledWith(tx, 'u1', 'sign-in-code', 'r1');
      expect(f.claims.delivered).toHaveBeenCalled();
    });

    it('a new address becomes a verified, password-less user, unless sign-ups are off', async () => {
      const open = setup();
      open.f.users.findByEmail.mockResolvedValueOnce(null as never);
      await open.auth.signIn(req, 'mobile', meta);
      expect(open.f.users.insert).toHaveBeenCalledWith(open.tx, expect.objectContaining({ passwordHash: null, emailVerified: true }));
      const closed = setup({ disableSignup: true });
      closed.f.users.findByEmail.mockResolvedValueOnce(null as never);
      expect(await refusal(closed.auth.signIn(req, 'mobile', meta))).toMatchObject({ status: 403, code: 'AUTH_SIGNUP_DISABLED' });
    });
  });

  describe('refresh', () => {
    it('web needs the cookie (401), others the token in the body (400)', async () => {
      const { auth } = setup();
      expect(await refusal(auth.refresh('web', {}, meta))).toMatchObject({ status: 401, message: 'No refresh token provided' });
      expect(await refusal(auth.refresh('mobile', {}, meta))).toMatchObject({ status: 400 });
    });

    it('hands the token and the CSRF header to the kernel and answers in InsForge key order', async () => {
      const { auth, f } = setup();
      const out = await auth.refresh('web', { cookie: 'c'.repeat(64), csrfHeader: 'h' }, meta);
      expect(f.issuer.refresh).toHaveBeenCalledWith('c'.repeat(64), 'web', 'h', meta);
      expect(Object.keys(out.body)).toEqual(['accessToken', 'user', 'refreshToken']);
    });
  });

  describe('logout', () => {
    it('a malformed Authorization header is 401', async () => {
      const { auth } = setup();
      expect((await refusal(auth.logout('mobile', { bearer: { kind: 'malformed' } }, meta))).status).toBe(401);
    });

    it('web: a live cookie needs the CSRF token (403, nothing revoked); the cookie is cleared', async () => {
      const { auth, f } = setup();
      f.sessions.csrfMatches.mockReturnValueOnce(false);
      expect(await refusal(auth.logout('web', { cookie: 'c', bearer: { kind: 'none' } }, meta))).toMatchObject({ status: 403 });
      expect(f.sessions.end).not.toHaveBeenCalled();
      expect((await auth.logout('web', { cookie: 'c', csrfHeader: 'ok', bearer: { kind: 'none' } }, meta)).cookie).toBe('clear');
      expect(f.sessions.end).toHaveBeenCalledWith(
        'u1',
        { sessionId: 's1' },
        { reason: 'logout', actor: { type: 'user', id: 'u1' }, meta, api: 'insforge' },
      );
    });

    it('is idempotent: a stale cookie or an unknown token just succeeds', async () => {
      const { auth, f } = setup();
      f.sessions.sessionOfRefreshToken.mockResolvedValue(null);
      expect((await auth.logout('web', { cookie: 'stale', bearer: { kind: 'none' } }, meta)).body.success).toBe(true);
      expect((await auth.logout('mobile', { bodyToken: 'x', bearer: { kind: 'none' } }, meta)).body.success).toBe(true);
      expect(f.sessions.end).not.toHaveBeenCalled();
    });

    it("others: the access token's own session", async () => {
      const { auth, f } = setup();
      await auth.logout('mobile', { bearer: { kind: 'token', token: 'eyJ.a.b' } }, meta);
      expect(f.sessions.end).toHaveBeenCalledWith('u1', { sessionId: 's1' }, expect.objectContaining({ reason: 'logout' }));
    });
  });

  describe('current user', () => {
    it('answers from the cache when it can, else reads and caches', async () => {
      const { auth, f } = setup();
      await auth.current('u1', 's1');
      expect(f.currentUsers.set).toHaveBeenCalledWith('u1', 's1', expect.objectContaining({ id: 'u1' }));
      f.currentUsers.get.mockReturnValueOnce({ id: 'cached' } as never);
      expect(await auth.current('u1', 's1')).toEqual({ user: { id: 'cached' } });
      expect(f.users.findWithSession).toHaveBeenCalledTimes(1);
    });

    it('a vanished user and a revoked session are 401, and nothing is cached', async () => {
      const { auth, f } = setup();
      f.users.findWithSession.mockResolvedValueOnce(null as never);
      expect(await refusal(auth.current('u1', 's1'))).toMatchObject({ status: 401, code: 'AUTH_INVALID_CREDENTIALS' });
      f.users.findWithSession.mockResolvedValueOnce({ user, sessionLive: false });
      expect(await refusal(auth.current('u1', 's1'))).toMatchObject({ status: 401, code: 'AUTH_UNAUTHORIZED' });
      expect(f.currentUsers.set).not.toHaveBeenCalled();
    });
  });
});
