import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a saved SMTP server may be (SSRF): identity connects to it to verify the settings and the
 * mailer to send, both from inside the cluster, so an admin (or a stolen API key) must not point
 * them at the cluster's own services or a cloud metadata endpoint. A target is refused when its
 * port is not a mail port (25, 465, 587, 2525) or when any address it resolves to is loopback,
 * private, link-local (169.254.169.254), CGNAT, unique-local, multicast or unspecified, including
 * IPv4-mapped IPv6 forms. An operator who runs an internal relay lists it, as `host:port`, in
 * SMTP_ALLOWED_TARGETS; listed targets skip both rules.
 */
export const SMTP_PORTS_ALLOWED = Object.freeze([25, 465, 587, 2525]);

const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

/** Whether an address (v4 or v6, including ::ffff:a.b.c.d) is one a saved SMTP server may not be. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const v = isIP(bare);
  if (v === 4) return BLOCKED.check(bare, 'ipv4');
  if (v === 6) {
    // ::ffff:7f00:1 is 127.0.0.1 too
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
    if (hex) {
      const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
      return BLOCKED.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4');
    }
    return BLOCKED.check(bare, 'ipv6');
  }
  return true; // not an address at all: refuse rather than guess
}

/** `SMTP_ALLOWED_TARGETS`: comma-separated `host:port` (IPv6 in brackets), compared lower-cased. */
export function parseAllowedTargets(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

const targetKey = (host: string, port: number) => `${isIP(host) === 6 ? `[${host}]` : host.toLowerCase()}:${port}`;

export type TargetCheck = { ok: true; addresses: string[] } | { ok: false; reason: 'port' | 'internal' | 'unresolvable' };

/**
 * Checks a target and returns the addresses to connect to (the caller connects to one of those,
 * not to the name again, so DNS cannot answer differently in between).
 */
export async function checkSmtpTarget(
  host: string,
  port: number,
  allowed: Set<string>,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<TargetCheck> {
  const bare = host.replace(/^\[|\]$/g, '');
  const listed = allowed.has(targetKey(bare, port));
  if (!listed && !SMTP_PORTS_ALLOWED.includes(port)) return { ok: false, reason: 'port' };
  let addresses: string[];
  try {
    addresses = isIP(bare) ? [bare] : await resolve(bare);
  } catch {
    return { ok: false, reason: 'unresolvable' };
  }
  if (!addresses.length) return { ok: false, reason: 'unresolvable' };
  if (!listed && addresses.some(isInternalAddress)) return { ok: false, reason: 'internal' };
  return { ok: true, addresses };
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
