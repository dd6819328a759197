/**
 * The one parser of `Authorization: Bearer …` for the whole platform (identity's InsForge and
 * Gorb routes, the access-token guard of every app, passport's extractor). RFC 6750 §2.1: the
 * scheme `Bearer` (any case), exactly one space, and one token68. Anything else (a second token,
 * a second space, another scheme, a bare token, stray characters) is malformed and callers answer
 * 401 AUTH_UNAUTHORIZED: the credential is never guessed out of a header that holds more.
 */
export type BearerCredential = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'malformed' };

/** Longer headers are malformed without a regex run (our tokens are well under 1 KiB). */
export const MAX_AUTHORIZATION_LENGTH = 4096;

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;
const NONE: BearerCredential = { kind: 'none' };
const MALFORMED: BearerCredential = { kind: 'malformed' };

/** What an Authorization header holds: no credential (absent or empty), one bearer token, or garbage. */
export function parseBearer(header: unknown): BearerCredential {
  if (header === undefined || header === '') return NONE;
  if (typeof header !== 'string' || header.length > MAX_AUTHORIZATION_LENGTH) return MALFORMED;
  const m = BEARER.exec(header);
  return m ? { kind: 'token', token: m[1]! } : MALFORMED;
}
