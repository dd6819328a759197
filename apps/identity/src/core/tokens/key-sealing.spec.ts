import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { sealJwk, unsealJwk } from './key-sealing.js';

describe('signing-key sealing', () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;

  it('stores no private material in the clear and opens only with the same secret', () => {
    const sealed = sealJwk('s'.repeat(32), jwk);
    expect(JSON.stringify(sealed)).not.toContain(jwk.d!);
    expect(unsealJwk('s'.repeat(32), sealed)).toEqual(jwk);
    expect(unsealJwk('t'.repeat(32), sealed)).toBeNull();
  });

  it('refuses a tampered box', () => {
    const sealed = sealJwk('s'.repeat(32), jwk);
    const ct = Buffer.from(sealed.ct, 'base64url');
    ct[0] ^= 1;
    expect(unsealJwk('s'.repeat(32), { ...sealed, ct: ct.toString('base64url') })).toBeNull();
  });
});
