/** A provider's settings as the sign-in flows read them (the admin-managed configuration's shape). */
export interface ProviderConfigRecord {
  clientId: string | null;
  clientSecret: string | null;
  scopes?: string[] | null;
}

/** Where the flows read provider settings from: `get` answers null for an unconfigured provider. */
export abstract class ProviderConfigSource {
  abstract get(provider: string): Promise<ProviderConfigRecord | null>;
}

/** OAUTH_CLIENTS: `{"google": {"clientId": "...", "clientSecret": "...", "scopes": [...]}, ...}`. */
export function parseOAuthClients(json: string | undefined): { clients: Record<string, ProviderConfigRecord>; problems: string[] } {
  const clients: Record<string, ProviderConfigRecord> = {};
  if (!json?.trim()) return { clients, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { clients, problems: ['is not valid JSON'] };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { clients, problems: ['must be a JSON object'] };
  const problems: string[] = [];
  for (const [provider, v] of Object.entries(parsed as Record<string, unknown>)) {
    const e = v as { clientId?: unknown; clientSecret?: unknown; scopes?: unknown } | null;
    if (!e || typeof e !== 'object' || typeof e.clientId !== 'string' || typeof e.clientSecret !== 'string') {
      problems.push(`${provider}: needs clientId and clientSecret strings`);
      continue;
    }
    const scopes = Array.isArray(e.scopes) && e.scopes.every((s) => typeof s === 'string') ? (e.scopes as string[]) : null;
    clients[provider] = { clientId: e.clientId, clientSecret: e.clientSecret, scopes };
  }
  return { clients, problems };
}
