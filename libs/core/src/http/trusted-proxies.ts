import proxyAddr from '@fastify/proxy-addr';
import { isIP } from 'node:net';

/**
 * TRUSTED_PROXIES: the addresses (IPs or CIDRs, comma separated) whose X-Forwarded-For and
 * X-Forwarded-Proto count. Anyone else's forwarded headers are ignored, so a client that reaches
 * an app directly (another workload, a LAN neighbour) cannot choose the IP that rate limits and
 * session records see. `none` trusts nobody.
 */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.1/32,::1/128';

export function parseTrustedProxies(list: string): string[] {
  if (list.trim().toLowerCase() === 'none') return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** How many addresses trustedProxyCheck remembers before it starts over. */
export const TRUST_CACHE_MAX = 1024;

/**
 * fastify's trust test for TRUSTED_PROXIES (proxy-addr's, as fastify compiles a list itself),
 * remembering its answer per address. fastify asks it for the peer and each X-Forwarded-For hop
 * every time a request's ip, ips, host or protocol is read, and @fastify/middie reads all four for
 * every request: each answer parsed the address with ipaddr.js again, about 12 µs of CPU per
 * request that comes through the edge (profiled, `GET /sessions/current`). The answer depends on
 * the address alone, so it is the same answer; at most TRUST_CACHE_MAX addresses are held, then
 * the cache starts over, so forged X-Forwarded-For chains cannot make it grow.
 */
export function trustedProxyCheck(list: string): (address: string, hop: number) => boolean {
  const trusts = proxyAddr.compile(parseTrustedProxies(list));
  const known = new Map<string, boolean>();
  return (address: string, hop: number) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      trusted = trusts(address, hop);
      if (known.size >= TRUST_CACHE_MAX) known.clear();
      known.set(address, trusted);
    }
    return trusted;
  };
}

/** Why an entry is not an IP or CIDR, or undefined when every entry is one. */
export function trustedProxiesProblem(list: string): string | undefined {
  const entries = parseTrustedProxies(list);
  if (entries.length === 0 && list.trim().toLowerCase() !== 'none') return 'must list IPs or CIDRs (or be none)';
  for (const [i, entry] of entries.entries()) {
    const [ip, prefix, ...rest] = entry.split('/');
    const family = isIP(ip ?? '');
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    // Say which entry is wrong by position, never by value: the value comes from the environment.
    if (family === 0 || !prefixOk || rest.length > 0) return `entry ${i + 1} is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8)`;
  }
  return undefined;
}

/** `::ffff:203.0.113.7` (an IPv4 client on a dual-stack socket) is reported as `203.0.113.7`. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
