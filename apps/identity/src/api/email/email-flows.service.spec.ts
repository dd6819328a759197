import { ApiError, type Tx } from '@app/core';
import type { UserRecord } from '../../core/users/users.repository.js';
import { EmailFlowsService, MESSAGES } from './email-flows.service.js';
import type { AuthConfig } from '../../core/auth-config/auth-config.repository.js';
import { authConfigWith, meta, refusal } from '../front-doors.testing.js';

/** The rules of the email front door, with every collaborator faked (no I/O). */

const TOKEN = 'a'.repeat(64);
const user = { id: 'u1', email: 'ada@example.com', emailVerified: false, profile: { name: 'Ada' } } as unknown as UserRecord;

function setup(cfg: Partial<AuthConfig> = {}) {
  const order: string[] = [];
  const tx = { query: jest.fn(), afterCommit: jest.fn() } as unknown as Tx;
  const f = {
    sql: {
      transaction: jest.fn(async (work: (t: Tx) => unknown) => {
        order.push('begin');
        const out = await work(tx);
        order.push('commit');
        return out;
      }),
    },
    redirects: { assertAllowed: jest.fn() },
    issuer: {
      start: jest.fn(async () => ({ session: { id: 's1' }, refreshToken: 'r'.repeat(64) })),
      issue: jest.fn(async () => ({ body: { accessToken: 'jwt' } })),
    },
    authConfig: {
      get: jest.fn(async () => authConfigWith(cfg)),
    },
    email: { recordOtp: jest.fn(), recordVerification: jest.fn(), recordReset: jest.fn() },
    codes: {
      consumeCode: jest.fn(async (): Promise<object> => ({ ok: true, redirectTo: null })),
      consumeToken: jest.fn(async (): Promise<object | null> => ({ email: user.email })),
    },
    users: {
      findByEmail: jest.fn(async (): Promise<UserRecord | null> => user),
      findById: jest.fn(async () => user),
      setPasswordHash: jest.fn(),
    },
    sessions: {
      revokeEverywhere: jest.fn(async () => (order.push('revoke'), { userId: 'u1', sessionIds: ['s1'], event: 'e1' })),
      revocationDelivered: jest.fn(async () => void order.push('delivered')),
    },
    hasher: { hash: jest.fn(async () => 'new-hash') },
    limits: { consume: jest.fn(), assertNotBlocked: jest.fn(), penalize: jest.fn() },
    outbox: { add: jest.fn(async () => 'job1'), kick: jest.fn() },
    claims: {
      claim: jest.fn(async () => (order.push('claim'), { userId: 'u1', claimed: true, revokedSessions: 1 })),
      delivered: jest.fn(async () => undefined),
    },
    audit: { record: jest.fn(async () => void order.push('audit')) },
  };
  const flows = new EmailFlowsService(
    f.sql as never,
    f.redirects as never,
    f.issuer as never,
    f.authConfig as never,
    f.email as never,
    f.codes as never,
    f.users as never,
    f.sessions as never,
    f.hasher as never,
    f.limits as never,
    f.outbox as never,
    f.claims as never,
    f.audit as never,
  );
  return { flows, f, tx, order };
}

describe('EmailFlowsService', () => {
  describe('sending', () => {
    it('a known and an unknown address get the same answer and the same work: one recorded task, no lookup', async () => {
      const { flows, f, tx } = setup();
      const known = await flows.sendVerification({ email: 'ada@example.com' }, meta);
      const unknown = await flows.sendVerification({ email: 'nobody@example.com' }, meta);
      expect(known).toEqual(unknown);
      expect(known).toEqual({ success: true, message: MESSAGES.verifyCode });
      expect(f.outbox.add).toHaveBeenCalledTimes(2);
      expect(f.outbox.add).toHaveBeenCalledWith(tx, 'identity-tasks', 'verification-requested', expect.any(Function));
      expect(f.users.findByEmail).not.toHaveBeenCalled();
      // The relay is nudged by the outbox after the commit, not by hand.
      expect(f.outbox.kick).not.toHaveBeenCalled();
    });

    it('is rate limited per address and per recipient', async () => {
      const { flows, f } = setup();
      await flows.sendResetPassword({ email: 'ada@example.com' }, meta);
      expect(f.limits.consume).toHaveBeenCalledWith('send:ip', meta.ip);
      expect(f.limits.consume).toHaveBeenCalledWith('send:email', expect.any(String));
    });

    it('link methods need a redirect, and every redirect goes through the allow-list, before anything is recorded', async () => {
      const link = setup({ verifyEmailMethod: 'link', resetPasswordMethod: 'link' });
      expect((await refusal(link.flows.sendVerification({ email: 'a@b.co' }, meta))).getStatus()).toBe(400);
      expect((await refusal(link.flows.sendResetPassword({ email: 'a@b.co' }, meta))).getStatus()).toBe(400);
      link.f.redirects.assertAllowed.mockImplementationOnce(() => {
        throw new ApiError(400, 'INVALID_INPUT', 'not allowed');
      });
      expect((await refusal(link.flows.sendResetPassword({ email: 'a@b.co', redirectTo: 'https://evil.test' }, meta))).getStatus()).toBe(
        400,
      );
      expect(link.f.outbox.add).not.toHaveBeenCalled();
    });

    it('the worker records a verification only for an existing, unverified account', async () => {
      const { flows, f } = setup();
      await flows.fulfilVerification({ email: user.email, redirectTo: null, requestId: 'r1', occurredAt: '' });
      expect(f.email.recordVerification).toHaveBeenCalledTimes(1);
      f.users.findByEmail.mockResolvedValueOnce({ ...user, emailVerified: true });
      await flows.fulfilVerification({ email: user.email, redirectTo: null, requestId: 'r1', occurredAt: '' });
      f.users.findByEmail.mockResolvedValueOnce(null);
      await flows.fulfilVerification({ email: 'nobody@example.com', redirectTo: null, requestId: 'r1', occurredAt: '' });
      expect(f.email.recordVerification).toHaveBeenCalledTimes(1);
    });
  });

  describe('verifying a code', () => {
    it('a wrong code counts against the address (and signs nobody in)', async () => {
      const { flows, f } = setup();
      f.codes.consumeCode.mockResolvedValueOnce({ ok: false });
      expect((await refusal(flows.verifyEmail({ email: user.email, otp: '000000' }, 'mobile', meta))).getStatus()).toBe(400);
      expect(f.limits.penalize).toHaveBeenCalledWith('verify-fail:ip', meta.ip);
      expect(f.issuer.start).not.toHaveBeenCalled();
      expect(f.audit.record).toHaveBeenCalledWith(
        null,
        expect.objectContaining({ type: 'sign_in.failed', details: expect.objectContaining({ method: 'email_verification' }) }),
      );
    });

    it('a blocked address is refused before the code is looked at', async () => {
      const { flows, f } = setup();
      f.limits.assertNotBlocked.mockRejectedValueOnce(new ApiError(429, 'TOO_MANY_REQUESTS', 'slow down'));
      expect((await refusal(flows.verifyEmail({ email: user.email, otp: '123456' }, 'mobile', meta))).getStatus()).toBe(429);
      expect(f.codes.consumeCode).not.toHaveBeenCalled();
    });

    it('claims the account and starts the session in one transaction, then hands out tokens', async () => {
      const { flows, f, tx, order } = setup();
      await flows.verifyEmail({ email: user.email, otp: '123456' }, 'web', meta);
      expect(f.claims.claim).toHaveBeenCalledWith(tx, 'u1', 'verification', 'r1');
      expect(f.issuer.start).toHaveBeenCalledWith(tx, 'u1', 'web', meta, { method: 'email_verification' });
      expect(order).toEqual(['begin', 'claim', 'commit']);
      expect(f.claims.delivered).toHaveBeenCalled();
      expect(f.issuer.issue).toHaveBeenCalled();
    });
  });

  describe('resetting the password', () => {
    it('refuses a password the policy refuses, and a malformed token (counted), before hashing', async () => {
      const weak = setup({ passwordMinLength: 30 });
      expect((await refusal(weak.flows.resetPassword({ newPassword: 'short one', otp: TOKEN }, meta))).getStatus()).toBe(400);
      const { flows, f } = setup();
      expect((await refusal(flows.resetPassword({ newPassword: 'correct horse', otp: 'not-a-token' }, meta))).getStatus()).toBe(400);
      expect(f.limits.penalize).toHaveBeenCalledWith('verify-fail:ip', meta.ip);
      expect(f.hasher.hash).not.toHaveBeenCalled();
    });

    it('an unknown or used token is 400 and changes nothing', async () => {
      const { flows, f } = setup();
      f.codes.consumeToken.mockResolvedValueOnce(null);
      expect((await refusal(flows.resetPassword({ newPassword: 'correct horse', otp: TOKEN }, meta))).getStatus()).toBe(400);
      expect(f.users.setPasswordHash).not.toHaveBeenCalled();
    });

    it('claims, sets the password and revokes every session in one transaction; then waits for profiles, once', async () => {
      const { flows, f, tx, order } = setup();
      expect(await flows.resetPassword({ newPassword: 'correct horse', otp: TOKEN }, meta)).toEqual({ message: MESSAGES.reset });
      expect(f.users.setPasswordHash).toHaveBeenCalledWith(tx, 'u1', 'new-hash');
      expect(f.sessions.revokeEverywhere).toHaveBeenCalledWith(tx, 'u1', 'password_reset', 'r1');
      // The audit record commits with the change; it counts the claim's revocations and the reset's.
      expect(order).toEqual(['begin', 'claim', 'revoke', 'audit', 'commit', 'delivered']);
      expect(f.audit.record).toHaveBeenCalledWith(
        tx,
        expect.objectContaining({ type: 'password.reset', details: { sessionsRevoked: 2, emailClaimed: true } }),
      );
      expect(f.sessions.revocationDelivered).toHaveBeenCalledTimes(1);
    });
  });
});
