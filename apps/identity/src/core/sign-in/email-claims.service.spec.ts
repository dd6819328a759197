import type { Tx } from '@app/core';
import type { CodesRepository } from '../codes/codes.repository.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { CLAIM_REVOKE_REASON, EmailClaims, type EmailProof } from './email-claims.service.js';
import type { UsersRepository } from '../users/users.repository.js';

const m = { query: jest.fn(), afterCommit: jest.fn() } as unknown as Tx;

function setup(state: { email: string; emailVerified: boolean } | null) {
  const calls: string[] = [];
  const users = {
    lockForClaim: jest.fn(async () => {
      calls.push('lock');
      return state;
    }),
    markEmailVerified: jest.fn(async () => void calls.push('verified')),
    setPasswordHash: jest.fn(async (_tx: Tx, _id: string, h: string | null) => void calls.push(`password:${h}`)),
  };
  const revoked = { userId: 'u1', sessionIds: ['s1', 's2', 's3'], event: 'e1' };
  const sessions = {
    revokeEverywhere: jest.fn(async () => (calls.push('revoke'), revoked)),
    revocationDelivered: jest.fn(async () => undefined),
  };
  const codes = { spendAllFor: jest.fn(async () => void calls.push('codes')) };
  const claims = new EmailClaims(
    users as unknown as UsersRepository,
    sessions as unknown as SessionsService,
    codes as unknown as CodesRepository,
  );
  return { claims, users, sessions, codes, calls };
}

describe('EmailClaims', () => {
  it.each<EmailProof>(['sign-in-code', 'password-reset'])(
    '%s on an unverified account: locks first, verifies, drops the password, revokes every session, spends every code',
    async (proof) => {
      const t = setup({ email: 'a@b.co', emailVerified: false });
      const out = await t.claims.claim(m, 'u1', proof);
      expect(out).toMatchObject({ userId: 'u1', claimed: true, revokedSessions: 3 });
      expect(t.calls[0]).toBe('lock');
      expect(t.calls).toEqual(expect.arrayContaining(['verified', 'password:null', 'revoke', 'codes']));
      expect(t.sessions.revokeEverywhere).toHaveBeenCalledWith(m, 'u1', CLAIM_REVOKE_REASON, undefined);
      expect(t.codes.spendAllFor).toHaveBeenCalledWith(m, 'a@b.co');
      // every write goes through the claim's transaction (whose after-commit hooks invalidate caches)
      expect(t.users.markEmailVerified).toHaveBeenCalledWith(m, 'u1');
      expect(t.users.setPasswordHash).toHaveBeenCalledWith(m, 'u1', null);
      await t.claims.delivered(out);
      // profiles is told before the claim answers
      expect(t.sessions.revocationDelivered).toHaveBeenCalledWith(out.revoked);
    },
  );

  it('a verification keeps the password (the creator signs in with it) but still revokes and spends everything', async () => {
    const t = setup({ email: 'a@b.co', emailVerified: false });
    const out = await t.claims.claim(m, 'u1', 'verification');
    expect(out.claimed).toBe(true);
    expect(t.users.setPasswordHash).not.toHaveBeenCalled();
    expect(t.calls).toEqual(['lock', 'verified', 'revoke', 'codes']);
  });

  it.each<EmailProof>(['verification', 'sign-in-code', 'password-reset'])('%s on a verified account changes nothing', async (proof) => {
    const t = setup({ email: 'a@b.co', emailVerified: true });
    const out = await t.claims.claim(m, 'u1', proof);
    expect(out).toEqual({ userId: 'u1', claimed: false, revokedSessions: 0 });
    expect(t.calls).toEqual(['lock']);
    await t.claims.delivered(out);
    expect(t.sessions.revocationDelivered).not.toHaveBeenCalled();
  });

  it('a vanished account claims nothing', async () => {
    const t = setup(null);
    expect((await t.claims.claim(m, 'u1', 'sign-in-code')).claimed).toBe(false);
    expect(t.calls).toEqual(['lock']);
  });
});
