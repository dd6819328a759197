import type { Queryable, Tx } from '@app/core';
import type { AuditEvent } from './audit-event.js';
import { AuditLog, toRow } from './audit-log.js';
import type { AuditRepository, AuditRow } from './audit.repository.js';

const meta = { ip: '203.0.113.7', userAgent: 'curl/8', requestId: 'req-1' };
const signIn: AuditEvent = {
  type: 'sign_in.succeeded',
  actor: { type: 'user', id: 'u1' },
  targetUserId: '00000000-0000-4000-8000-000000000001',
  targetId: 's1',
  meta,
  details: { method: 'password', api: 'insforge' },
};

function fakeRepo() {
  const written: { q: unknown; row: AuditRow }[] = [];
  const pool = { query: jest.fn() } as unknown as Queryable;
  const repo = { sql: pool, insert: async (q: Queryable, row: AuditRow) => void written.push({ q, row }) } as unknown as AuditRepository;
  return { repo, pool, written };
}

describe('AuditLog', () => {
  it('writes in the caller’s transaction when given one, on the pool otherwise', async () => {
    const { repo, pool, written } = fakeRepo();
    const log = new AuditLog(repo);
    const tx: Tx = { query: jest.fn(), afterCommit: jest.fn() };
    await log.record(tx, signIn);
    await log.record(null, signIn);
    expect(written.map((w) => w.q)).toEqual([tx, pool]);
  });

  it('maps actor, target and request context into the row', () => {
    expect(toRow(signIn)).toEqual({
      type: 'sign_in.succeeded',
      actorType: 'user',
      actorId: 'u1',
      targetUserId: signIn.targetUserId,
      targetId: 's1',
      ip: '203.0.113.7',
      userAgent: 'curl/8',
      requestId: 'req-1',
      details: { method: 'password', api: 'insforge' },
    });
    expect(toRow({ type: 'sign_in.failed', actor: { type: 'anonymous' } })).toMatchObject({
      actorId: null,
      targetUserId: null,
      ip: null,
      details: {},
    });
  });

  it.each(['password', 'newPassword', 'refreshToken', 'otp', 'csrf', 'apiSecret', 'passwordHash', 'code', 'resetCode'])(
    'refuses a detail key that names a secret: %s',
    (key) => {
      expect(() => toRow({ ...signIn, details: { [key]: 'x' } })).toThrow(/secret/);
    },
  );

  it('refuses unknown types, unknown actors, odd keys, nested values and too many keys', () => {
    expect(() => toRow({ ...signIn, type: 'sign_in.whatever' as never })).toThrow(/unknown event type/);
    expect(() => toRow({ ...signIn, actor: { type: 'root' as never } })).toThrow(/unknown actor/);
    expect(() => toRow({ ...signIn, details: { 'a b': 1 } })).toThrow(/plain name/);
    expect(() => toRow({ ...signIn, details: { nested: { a: 1 } as never } })).toThrow(/plain value/);
    expect(() => toRow({ ...signIn, details: { n: Number.NaN } })).toThrow(/plain value/);
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]));
    expect(() => toRow({ ...signIn, details: many })).toThrow(/detail keys/);
  });

  it('bounds every string and keeps it storable (no NUL, no lone surrogate)', () => {
    const row = toRow({
      ...signIn,
      meta: { ip: '1'.repeat(100), userAgent: 'a'.repeat(600) + '\0', requestId: 'r'.repeat(200) },
      targetId: 'x\0y',
      details: { reason: 'b'.repeat(255) + '\u{1F600}', fields: Array.from({ length: 40 }, () => 'f') },
    });
    expect(row.ip).toHaveLength(64);
    expect(row.userAgent).toHaveLength(512);
    expect(row.requestId).toHaveLength(128);
    expect(row.targetId).toBe('xy');
    // The emoji's first half fits, its second does not: no unpaired surrogate is left behind.
    expect(row.details.reason as string).toMatch(/^b{255}\uFFFD$/);
    expect(row.details.fields).toHaveLength(32);
  });
});
