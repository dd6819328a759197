import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { openString, SEAL_PURPOSES, sealString } from './secret-box.js';

describe('secret box', () => {
  const key = 's'.repeat(32);

  it('keeps nothing in the clear and opens only with the same secret, purpose and context', () => {
    const sealed = sealString(key, SEAL_PURPOSES.OAUTH_CLIENT_SECRET, 'client-secret-value', 'google');
    expect(JSON.stringify(sealed)).not.toContain('client-secret-value');
    expect(openString(key, SEAL_PURPOSES.OAUTH_CLIENT_SECRET, sealed, 'google')).toBe('client-secret-value');
    expect(openString('t'.repeat(32), SEAL_PURPOSES.OAUTH_CLIENT_SECRET, sealed, 'google')).toBeNull();
    expect(openString(key, SEAL_PURPOSES.SMTP_PASSWORD, sealed, 'google')).toBeNull();
    expect(openString(key, SEAL_PURPOSES.OAUTH_CLIENT_SECRET, sealed, 'github')).toBeNull();
  });

  it('uses a fresh IV each time', () => {
    const a = sealString(key, SEAL_PURPOSES.SMTP_PASSWORD, 'pw');
    const b = sealString(key, SEAL_PURPOSES.SMTP_PASSWORD, 'pw');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('refuses a tampered box and garbage', () => {
    const sealed = sealString(key, SEAL_PURPOSES.SMTP_PASSWORD, 'pw');
    const ct = Buffer.from(sealed.ct, 'base64url');
    ct[0] ^= 1;
    expect(openString(key, SEAL_PURPOSES.SMTP_PASSWORD, { ...sealed, ct: ct.toString('base64url') })).toBeNull();
    expect(openString(key, SEAL_PURPOSES.SMTP_PASSWORD, { ...sealed, tag: '' })).toBeNull();
  });

  it('opens signing keys sealed before the box was generalised (same key derivation, no context)', () => {
    const iv = randomBytes(12);
    const k = Buffer.from(hkdfSync('sha256', key, 'identity', 'signing-key-encryption:v1', 32));
    const cipher = createCipheriv('aes-256-gcm', k, iv);
    const ct = Buffer.concat([cipher.update('{"kty":"EC"}', 'utf8'), cipher.final()]);
    const old = {
      enc: 'A256GCM' as const,
      iv: iv.toString('base64url'),
      ct: ct.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
    expect(openString(key, SEAL_PURPOSES.SIGNING_KEY, old)).toBe('{"kty":"EC"}');
  });
});
