import picomatch from 'picomatch';

const withoutQuery = (u: URL) => `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
const normalize = (u: URL) => `${withoutQuery(u)}${u.search}`;

/**
 * Whether `redirectTo` may receive our users: an exact match (host lower-cased, trailing slash
 * ignored) or a glob (picomatch: `*` within a segment, `**` across segments), protocol and port
 * strict. A glob is matched against the URL without its query: matched with it, a host wildcard
 * reached past the host (`https://*.example.com/**` took `https://evil.com?.example.com/`, an open
 * redirect that hands an OAuth code to the attacker). InsForge allows anything when the list is
 * empty (an open redirect); we fall back to the origins we already trust (PUBLIC_BASE_URL and
 * CORS_ORIGINS).
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
    return picomatch.isMatch(withoutQuery(url), glob, { dot: true });
  });
}
