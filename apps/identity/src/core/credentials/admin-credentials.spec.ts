import { adminCredentialsMatch, digestsOf } from './admin-credentials.js';

describe('adminCredentialsMatch', () => {
  const expected = digestsOf('admin', 'the-right-password');

  const run = (username: string, password: string) => {
    const calls: [number, number][] = [];
    const ok = adminCredentialsMatch({ username, password }, expected, (a, b) => {
      calls.push([a.length, b.length]);
      return a.equals(b);
    });
    return { ok, calls };
  };

  it('accepts exactly the configured pair', () => {
    expect(run('admin', 'the-right-password').ok).toBe(true);
    for (const [u, p] of [
      ['admin', 'the-right-passwor'],
      ['admin', 'the-right-password '],
      ['Admin', 'the-right-password'],
      ['admin ', 'the-right-password'],
      ['', ''],
      ['the-right-password', 'admin'],
    ]) {
      expect([u, p, run(u, p).ok]).toEqual([u, p, false]);
    }
  });

  it('always compares both halves, as 32-byte digests, whatever is wrong and however long the input', () => {
    for (const [u, p] of [
      ['admin', 'the-right-password'],
      ['nobody', 'the-right-password'],
      ['admin', 'x'],
      ['x', 'y'],
      ['a'.repeat(100), 'p'.repeat(4096)],
      ['admin\u0000', 'the-right-password\u0000'],
    ]) {
      expect([u.length, p.length, run(u, p).calls]).toEqual([
        u.length,
        p.length,
        [
          [32, 32],
          [32, 32],
        ],
      ]);
    }
  });

  it('uses a constant-time comparison by default', () => {
    // node's timingSafeEqual throws on buffers of different lengths; digests never differ in length.
    expect(adminCredentialsMatch({ username: 'admin', password: 'x'.repeat(5000) }, expected)).toBe(false);
    expect(adminCredentialsMatch({ username: 'admin', password: 'the-right-password' }, expected)).toBe(true);
  });
});
