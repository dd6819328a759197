import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { IdTokenRejected, IdTokenVerifier, nonceDigest } from './id-token.verifier.js';

describe('IdTokenVerifier', () => {
  const ISSUER = { issuers: ['https://issuer.test'], jwksUri: 'https://issuer.test/jwks' };
  let sign: (claims: Record<string, unknown>, opts?: { key?: 'good' | 'other'; kid?: string; exp?: string | number }) => Promise<string>;
  let verifier: IdTokenVerifier;
  const asked: string[] = [];

  beforeAll(async () => {
    const good = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    verifier = new IdTokenVerifier((uri) => {
      asked.push(uri);
      return createLocalJWKSet({ keys: [jwk] });
    });
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
        .setIssuer('https://issuer.test')
        .setAudience((claims.aud as string) ?? 'app')
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '5m')
        .sign(opts.key === 'other' ? other.privateKey : good.privateKey);
  });

  const refused = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(IdTokenRejected);

  it('accepts a good token for one of the server audiences and fetches the keys once', async () => {
    const payload = await verifier.verify(await sign({ email: 'a@b.co' }), ISSUER, ['other', 'app']);
    expect(payload).toMatchObject({ sub: 'user-1', email: 'a@b.co' });
    await verifier.verify(await sign({}), ISSUER, ['app']);
    expect(asked).toEqual(['https://issuer.test/jwks']);
  });

  it('refuses a wrong audience, a wrong issuer, an expired token, alg none, a foreign key and junk', async () => {
    expect.assertions(8);
    await refused(verifier.verify(await sign({ aud: 'attacker-app' }), ISSUER, ['app']));
    await refused(verifier.verify(await sign({}), { ...ISSUER, issuers: ['https://elsewhere.test'] }, ['app']));
    await refused(verifier.verify(await sign({}, { exp: Math.floor(Date.now() / 1000) - 3600 }), ISSUER, ['app']));
    const none = new UnsecuredJWT({ sub: 'user-1', aud: 'app' })
      .setIssuer('https://issuer.test')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await refused(verifier.verify(none, ISSUER, ['app']));
    await refused(verifier.verify(await sign({}, { key: 'other' }), ISSUER, ['app']));
    await refused(verifier.verify(await sign({}, { key: 'other', kid: 'unknown' }), ISSUER, ['app']));
    await refused(verifier.verify('not.a.jwt', ISSUER, ['app']));
    await refused(verifier.verify('x'.repeat(20000), ISSUER, ['app']));
  });

  it('needs a configured audience: none means nothing verifies', async () => {
    expect.assertions(1);
    await refused(verifier.verify(await sign({}), ISSUER, []));
  });

  it("checks Apple's nonce: the token carries SHA-256(raw nonce)", async () => {
    const token = await sign({ nonce: nonceDigest('raw-nonce') });
    await expect(verifier.verify(token, ISSUER, ['app'], 'raw-nonce')).resolves.toMatchObject({ sub: 'user-1' });
    await refused(verifier.verify(token, ISSUER, ['app'], 'other-nonce'));
    await refused(verifier.verify(token, ISSUER, ['app'], nonceDigest('raw-nonce')));
    await refused(verifier.verify(await sign({}), ISSUER, ['app'], 'raw-nonce'));
  });
});
