import { parseTrustedProxies, plainIp, trustedProxiesProblem } from './trusted-proxies.js';

describe('TRUSTED_PROXIES', () => {
  it('accepts IPs and CIDRs of both families, and none', () => {
    expect(trustedProxiesProblem('127.0.0.1/32,::1/128')).toBeUndefined();
    expect(trustedProxiesProblem(' 10.0.0.0/8 , 100.64.0.0/10,fd00::/8, 192.0.2.7 ')).toBeUndefined();
    expect(trustedProxiesProblem('none')).toBeUndefined();
    expect(parseTrustedProxies('none')).toEqual([]);
    expect(parseTrustedProxies(' 10.0.0.0/8 ,,::1 ')).toEqual(['10.0.0.0/8', '::1']);
  });

  it.each([['loopback'], ['10.0.0.0/33'], ['::1/129'], ['10.0.0.0/8/1'], ['10.0.0/8'], ['10.0.0.0/x'], ['true']])(
    'refuses %j naming the entry by position only',
    (value) => {
      const problem = trustedProxiesProblem(value);
      expect(problem).toMatch(/^entry 1 is not/);
      expect(problem).not.toContain(value);
    },
  );

  it('refuses a list without entries', () => {
    expect(trustedProxiesProblem(',')).toBe('must list IPs or CIDRs (or be none)');
  });

  it('reports IPv4 clients of a dual-stack socket as plain IPv4', () => {
    expect(plainIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(plainIp('2001:db8::1')).toBe('2001:db8::1');
    expect(plainIp('::ffff:zz')).toBe('::ffff:zz');
  });
});
