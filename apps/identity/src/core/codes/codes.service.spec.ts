import type { Tx } from '@app/core';
import { Clock } from '../common/clock.js';
import { IdentityConfig } from '../config/identity.config.js';
import type { CodesRepository } from './codes.repository.js';
import { CodesService, MAX_CODE_ATTEMPTS } from './codes.service.js';
import type { OneTimeCode } from './codes.repository.js';

class FakeClock extends Clock {
  t = new Date('2026-01-01T00:00:00Z');
  now() {
    return this.t;
  }
}

/** An in-memory stand-in for the repository: the rules under test live in the service. */
function fakeRepo() {
  const rows = new Map<string, OneTimeCode>();
  const repo = {
    rows,
    upsertCode: jest.fn(async (_m: unknown, r: { email: string; purpose: string; secretHash: Buffer; expiresAt: Date }) => {
      rows.set(`${r.email}:${r.purpose}`, { ...r, id: 'x', kind: 'code', attempts: 0, consumedAt: null, redirectTo: null } as OneTimeCode);
    }),
    lockCode: jest.fn(async (_m: unknown, email: string, purpose: string) => rows.get(`${email}:${purpose}`) ?? null),
    save: jest.fn(async () => undefined),
  };
  return repo;
}

describe('CodesService', () => {
  const m = {} as Tx;
  let clock: FakeClock;
  let repo: ReturnType<typeof fakeRepo>;
  let codes: CodesService;
  beforeEach(() => {
    clock = new FakeClock();
    repo = fakeRepo();
    codes = new CodesService(
      repo as unknown as CodesRepository,
      clock,
      Object.assign(new IdentityConfig(), { AUTH_HMAC_SECRET: 'k'.repeat(32) }),
    );
  });

  it('issues 6-digit codes and stores only a keyed hash', async () => {
    const code = await codes.issueCode(m, 'a@b.co', 'sign_in');
    expect(code).toMatch(/^\d{6}$/);
    const row = repo.rows.get('a@b.co:sign_in')!;
    expect(row.secretHash.toString('utf8')).not.toContain(code);
    expect(row.secretHash).toHaveLength(32);
  });

  it('accepts the right code once', async () => {
    const code = await codes.issueCode(m, 'a@b.co', 'verify_email');
    expect(await codes.consumeCode(m, 'a@b.co', 'verify_email', code)).toEqual({ ok: true, redirectTo: null });
    expect(await codes.consumeCode(m, 'a@b.co', 'verify_email', code)).toEqual({ ok: false });
  });

  it('burns a code after three wrong tries, even for the right code afterwards', async () => {
    const code = await codes.issueCode(m, 'a@b.co', 'sign_in');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) expect((await codes.consumeCode(m, 'a@b.co', 'sign_in', wrong)).ok).toBe(false);
    expect((await codes.consumeCode(m, 'a@b.co', 'sign_in', code)).ok).toBe(false);
  });

  it('expires sign-in codes after 5 minutes and verification codes after 15', async () => {
    const otp = await codes.issueCode(m, 'a@b.co', 'sign_in');
    const verify = await codes.issueCode(m, 'a@b.co', 'verify_email');
    clock.t = new Date(clock.t.getTime() + 5 * 60_000);
    expect((await codes.consumeCode(m, 'a@b.co', 'sign_in', otp)).ok).toBe(false);
    clock.t = new Date(clock.t.getTime() + 9 * 60_000);
    expect((await codes.consumeCode(m, 'a@b.co', 'verify_email', verify)).ok).toBe(true);
  });

  it('a code is bound to its email and purpose', async () => {
    const code = await codes.issueCode(m, 'a@b.co', 'reset_password');
    repo.rows.set('c@d.co:reset_password', { ...repo.rows.get('a@b.co:reset_password')! });
    expect((await codes.consumeCode(m, 'c@d.co', 'reset_password', code)).ok).toBe(false);
  });
});
