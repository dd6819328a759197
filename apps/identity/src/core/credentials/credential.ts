import { parseBearer } from '@app/auth';
import { ANON_KEY_PREFIX, API_KEY_PREFIX } from '@app/contracts';

/**
 * What a request presents, dispatched by shape exactly as InsForge does (never by falling back
 * after a failure): `ik_…` as Bearer, else an `x-api-key` header, is an API key; Bearer `anon_…`
 * is the anon key; any other Bearer is an access token. A malformed Authorization header is
 * refused outright rather than guessed at.
 */
export type Credential =
  | { kind: 'none' }
  | { kind: 'malformed' }
  | { kind: 'api_key'; key: string }
  | { kind: 'anon'; key: string }
  | { kind: 'jwt'; token: string };

type Headers = Record<string, string | string[] | undefined>;

export function credentialOf(headers: Headers): Credential {
  const bearer = parseBearer(headers.authorization);
  if (bearer.kind === 'malformed') return { kind: 'malformed' };
  if (bearer.kind === 'token' && bearer.token.startsWith(API_KEY_PREFIX)) return { kind: 'api_key', key: bearer.token };
  const header = headers['x-api-key'];
  // Repeated headers arrive joined or as an array: either way not one key, so it cannot match.
  if (header !== undefined && header !== '') return { kind: 'api_key', key: Array.isArray(header) ? header.join(',') : header };
  if (bearer.kind === 'none') return { kind: 'none' };
  if (bearer.token.startsWith(ANON_KEY_PREFIX)) return { kind: 'anon', key: bearer.token };
  return { kind: 'jwt', token: bearer.token };
}
