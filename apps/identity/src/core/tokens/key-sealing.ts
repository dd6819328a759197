import type { JWK } from 'jose';
import { openString, SEAL_PURPOSES, type SealedSecret, sealString } from '../common/secret-box.js';

/** A private JWK as stored: AES-256-GCM under a key derived from AUTH_HMAC_SECRET. */
export type SealedJwk = SealedSecret;

/** Encrypts a private signing key before it goes to the database (a dump alone signs nothing). */
export function sealJwk(secret: string, jwk: JWK): SealedJwk {
  return sealString(secret, SEAL_PURPOSES.SIGNING_KEY, JSON.stringify(jwk));
}

/** The private JWK, or null when it was sealed under another secret (or tampered with). */
export function unsealJwk(secret: string, sealed: SealedJwk): JWK | null {
  const plain = openString(secret, SEAL_PURPOSES.SIGNING_KEY, sealed);
  if (plain === null) return null;
  try {
    return JSON.parse(plain) as JWK;
  } catch {
    return null;
  }
}
