import { isUuid } from '@app/contracts';
import type { Principal } from './principal.js';

/** The only role an access token of ours carries (InsForge's `authenticated`). */
export const ACCESS_TOKEN_ROLE = 'authenticated';

/**
 * The one check of what a verified access token must carry, for every app that takes one (the
 * guard of identity and profiles, identity's logout by Bearer): our role, a user id and a session
 * id (UUIDs, as identity issues them), an email, and a numeric expiry. The signature, algorithm,
 * issuer, audience and expiry themselves are checked before, by the verifier. Anything else in
 * the payload is ignored; a token that lacks one of these is no access token of ours (null).
 */
export function principalOf(claims: unknown): Principal | null {
  if (typeof claims !== 'object' || claims === null) return null;
  const c = claims as Record<string, unknown>;
  if (c.role !== ACCESS_TOKEN_ROLE || !isUuid(c.sub) || !isUuid(c.sid)) return null;
  if (typeof c.email !== 'string' || typeof c.exp !== 'number' || !Number.isFinite(c.exp)) return null;
  return { userId: c.sub, email: c.email, sessionId: c.sid, role: c.role, exp: c.exp };
}
