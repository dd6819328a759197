import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

/** A private JWK as stored: AES-256-GCM under a key derived from AUTH_HMAC_SECRET. */
export interface SealedJwk {
  enc: 'A256GCM';
  iv: string;
  ct: string;
  tag: string;
}

const keyFrom = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'identity', 'signing-key-encryption:v1', 32));

/** Encrypts a private signing key before it goes to the database (a dump alone signs nothing). */
export function sealJwk(secret: string, jwk: JWK): SealedJwk {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const ct = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return { enc: 'A256GCM', iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

/** The private JWK, or null when it was sealed under another secret (or tampered with). */
export function unsealJwk(secret: string, sealed: SealedJwk): JWK | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch {
    return null;
  }
}
