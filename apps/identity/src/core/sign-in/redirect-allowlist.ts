import picomatch from 'picomatch';

const normalize = (u: URL) => `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;

/**
 * Whether `redirectTo` may receive our users: an exact match (host lower-cased, trailing slash
 * ignored) or a glob (picomatch: `*` within a segment, `**` across segments), protocol and port
 * strict. InsForge allows anything when the list is empty (an open redirect); we fall back to the
 * origins we already trust (PUBLIC_BASE_URL and CORS_ORIGINS).
 */
export function isRedirectAllowed(redirectTo: string, patterns: string[], trustedOrigins: string[]): boolean {
  let url: URL;
  try {
    url = new URL(redirectTo);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (patterns.length === 0) return trustedOrigins.includes(url.origin);
  const target = normalize(url);
  return patterns.some((p) => {
    try {
      if (normalize(new URL(p)) === target) return true;
    } catch {
      /* a glob, not a URL */
    }
    const glob = p.replace(/\/+$/, '');
    return picomatch.isMatch(target, glob, { dot: true }) || picomatch.isMatch(target.replace(/\?.*$/, ''), glob, { dot: true });
  });
}
