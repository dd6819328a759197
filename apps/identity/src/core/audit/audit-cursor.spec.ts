import { AuditCursor } from './audit-cursor.js';

describe('AuditCursor', () => {
  const cursors = new AuditCursor('unit-secret-unit-secret-unit-secret-00');
  const key = JSON.stringify([['sign_in.failed'], null]);

  it('round-trips an id under the same filters', () => {
    const c = cursors.encode('12345', key);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursors.decode(c, key)).toBe('12345');
  });

  it('refuses a cursor replayed with other filters, or made with another secret', () => {
    const c = cursors.encode('12345', key);
    expect(cursors.decode(c, JSON.stringify([null, null]))).toBeNull();
    expect(new AuditCursor('another-secret-another-secret-another').decode(c, key)).toBeNull();
  });

  it.each([
    [
      'an edited id',
      () => Buffer.from(Buffer.from(cursors.encode('12345', key), 'base64url').toString().replace('12345', '12344')).toString('base64url'),
    ],
    ['SQL in the id', () => Buffer.from(`v1.1 OR 1=1.${'A'.repeat(22)}`).toString('base64url')],
    ['a raw id', () => '12345'],
    ['an id beyond bigint', () => Buffer.from(`v1.99999999999999999999.${'A'.repeat(22)}`).toString('base64url')],
    ['not base64url', () => 'v1.1.abc==/'],
    ['empty', () => ''],
    ['too long', () => 'A'.repeat(300)],
  ])('refuses %s', (_, make) => {
    expect(cursors.decode(make(), key)).toBeNull();
  });
});
