import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A rotated refresh token keeps its successor encrypted under a key derived from the rotated token
 * itself (AES-256-GCM). Only a client that holds the old token can recover the successor, so the
 * database never holds a usable token, yet a replay inside the grace window (two tabs, a lost
 * response) gets the same successor instead of a second live token.
 */
const keyOf = (token: string) => createHash('sha256').update(`refresh-successor:${token}`).digest();

export function sealSuccessor(parentToken: string, successor: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(parentToken), iv);
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function unsealSuccessor(parentToken: string, sealed: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(parentToken), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
