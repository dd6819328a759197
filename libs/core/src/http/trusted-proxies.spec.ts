import proxyAddr from '@fastify/proxy-addr';
import { parseTrustedProxies, plainIp, TRUST_CACHE_MAX, trustedProxiesProblem, trustedProxyCheck } from './trusted-proxies.js';

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

  it('trusts exactly what proxy-addr trusts for the list, asked again and after the cache starts over', () => {
    const list = '127.0.0.1/32,::1/128,10.0.0.0/8,fd00::/8';
    const reference = proxyAddr.compile(parseTrustedProxies(list));
    const check = trustedProxyCheck(list);
    const addresses = [
      '127.0.0.1',
      '::ffff:127.0.0.1',
      '::1',
      '10.1.2.3',
      '::ffff:10.9.9.9',
      'fd00::7',
      '203.0.113.7',
      '::ffff:203.0.113.7',
      '2001:db8::1',
      '11.0.0.1',
      'not an ip',
    ];
    for (let round = 0; round < 2; round++) for (const a of addresses) expect([a, check(a, 0)]).toEqual([a, reference(a, 0)]);
    expect(check('::ffff:127.0.0.1', 0)).toBe(true);
    expect(check('203.0.113.7', 1)).toBe(false);
    // Forged chains: more distinct addresses than the cache holds, then the answers are still right.
    for (let i = 0; i < TRUST_CACHE_MAX * 2 + 5; i++) expect(check(`198.51.${(i >> 8) & 255}.${i & 255}`, 1)).toBe(false);
    for (const a of addresses) expect([a, check(a, 0)]).toEqual([a, reference(a, 0)]);
  });

  it('trusts nobody with none', () => {
    const check = trustedProxyCheck('none');
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1']) expect(check(a, 0)).toBe(false);
  });
});
