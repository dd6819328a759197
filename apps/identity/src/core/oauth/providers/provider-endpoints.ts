import { isOAuthProviderId, type OAuthProviderId, PROVIDERS, type ProviderEndpoints } from './provider-catalog.js';

/**
 * OAUTH_PROVIDER_ENDPOINTS: an operator's override of built-in providers' endpoints, as JSON
 * `{"google": {"issuer": "...", "authorizationEndpoint": "...", ...}, ...}` merged over the
 * defaults. It exists for the end-to-end tests (a local OpenID provider standing in for Google,
 * a local OAuth 2.0 server for GitHub) and for enterprises that reach a provider through their own
 * gateway. It is read from the environment at boot only: nothing in a request, nor the admin API,
 * can point a provider elsewhere, and every URL must be https, or http to this machine's loopback.
 */
export type EndpointOverrides = Partial<Record<OAuthProviderId, Partial<ProviderEndpoints>>>;

const FIELDS: readonly (keyof ProviderEndpoints)[] = [
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'userinfoEndpoint',
  'jwksUri',
  'apiBaseUrl',
];
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why the server may not fetch this URL, or null when it may: https with no credentials or
 * fragment; plain http only to this machine's loopback, and only when `allowHttpLoopback`.
 * One rule for operator-configured endpoints and admin-configured discovery URLs.
 */
export function fetchableUrlProblem(value: unknown, allowHttpLoopback: boolean): string | null {
  if (typeof value !== 'string') return 'must be a URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(url.hostname)) return null;
  return allowHttpLoopback ? 'must be https (http only to 127.0.0.1, [::1] or localhost)' : 'must be https';
}

/** Why a URL may not be an endpoint (OAUTH_PROVIDER_ENDPOINTS: the operator's, so http to loopback is allowed), or null. */
export const endpointUrlProblem = (value: unknown): string | null => fetchableUrlProblem(value, true);

/** Parses the variable; `problems` lists every mistake at once (config validation prints them). */
export function parseEndpointOverrides(json: string | undefined): { overrides: EndpointOverrides; problems: string[] } {
  const overrides: EndpointOverrides = {};
  const problems: string[] = [];
  if (json === undefined || json.trim() === '') return { overrides, problems };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { overrides, problems: ['is not valid JSON'] };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { overrides, problems: ['must be a JSON object'] };
  for (const [provider, value] of Object.entries(parsed)) {
    if (!isOAuthProviderId(provider)) {
      problems.push(`${provider}: not a built-in provider`);
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${provider}: must be an object`);
      continue;
    }
    const entry: Partial<ProviderEndpoints> = {};
    for (const [field, url] of Object.entries(value as Record<string, unknown>)) {
      if (!(FIELDS as readonly string[]).includes(field)) {
        problems.push(`${provider}.${field}: unknown field (one of ${FIELDS.join(', ')})`);
        continue;
      }
      const problem = endpointUrlProblem(url);
      if (problem) problems.push(`${provider}.${field}: ${problem}`);
      else entry[field as keyof ProviderEndpoints] = url as string;
    }
    overrides[provider] = entry;
  }
  return { overrides, problems };
}

/** A provider's endpoints: the defaults with the operator's override on top. */
export function endpointsOf(provider: OAuthProviderId, overrides: EndpointOverrides): ProviderEndpoints {
  return { ...PROVIDERS[provider].endpoints, ...overrides[provider] };
}
