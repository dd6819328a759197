import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** 256 random bits as 64 lowercase hex characters (link, reset and refresh tokens). */
export const randomToken = (): string => randomBytes(32).toString('hex');

/** A 6-digit code from the CSPRNG, uniformly distributed, with leading zeros kept. */
export const randomCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export const hmac = (key: string, value: string): Buffer => createHmac('sha256', key).update(value, 'utf8').digest();

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
