import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../common/secrets.js';

export interface AdminCredentialDigests {
  username: Buffer;
  password: Buffer;
}

export const digestsOf = (username: string, password: string): AdminCredentialDigests => ({
  username: sha256(username),
  password: sha256(password),
});

/**
 * Whether the given admin credentials are the configured ones. Both halves are compared every time
 * (no early exit), as fixed-length SHA-256 digests in constant time: neither the answer's timing
 * nor its length says which half was wrong, how much of it matched, or how long the secret is.
 * `equal` is the comparison (node's timingSafeEqual; a spec records the calls).
 */
export function adminCredentialsMatch(
  given: { username: string; password: string },
  expected: AdminCredentialDigests,
  equal: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
): boolean {
  const u = equal(sha256(given.username), expected.username);
  const p = equal(sha256(given.password), expected.password);
  return u && p;
}
