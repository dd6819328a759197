import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A secret as stored or carried: AES-256-GCM under a key derived (HKDF-SHA256) from an operator
 * secret for one purpose. In libs so the mailer opens what identity seals (the SMTP password).
 */
export interface SealedSecret {
  enc: 'A256GCM';
  iv: string;
  ct: string;
  tag: string;
}

/**
 * What a sealed value is for. Each purpose is its own HKDF `info`, so a key derived for one never
 * opens another's values (a sealed SMTP password cannot be replayed as an OAuth client secret).
 * Never rename one: values sealed under it would no longer open.
 */
export const SEAL_PURPOSES = Object.freeze({
  SIGNING_KEY: 'signing-key-encryption:v1',
  OAUTH_CLIENT_SECRET: 'oauth-client-secret:v1',
  SMTP_PASSWORD: 'smtp-password:v1',
} as const);
export type SealPurpose = (typeof SEAL_PURPOSES)[keyof typeof SEAL_PURPOSES];

const keyFor = (secret: string, purpose: SealPurpose) => Buffer.from(hkdfSync('sha256', secret, 'identity', purpose, 32));

/**
 * Encrypts a string before it goes to the database (a dump alone reveals nothing). `context`
 * (the row's natural key, say) is bound as additional data: the value opens only for the same
 * context, so a sealed value copied onto another row does not open there.
 */
export function sealString(secret: string, purpose: SealPurpose, plain: string, context = ''): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  if (context) cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { enc: 'A256GCM', iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

/** The plain string, or null when it was sealed under another secret, purpose or context (or tampered with). */
export function openString(secret: string, purpose: SealPurpose, sealed: SealedSecret, context = ''): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    if (context) decipher.setAAD(Buffer.from(context, 'utf8'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** SMTP_SETTINGS_KEY's development default (also in .env.example): refused unless NODE_ENV is development/test. */
export const DEV_SMTP_SETTINGS_KEY = 'dev-only-smtp-settings-key-change-me';
