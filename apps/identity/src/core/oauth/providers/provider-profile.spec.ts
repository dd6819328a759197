import { fromDiscord, fromGithub, fromMicrosoft, fromOidcClaims, fromTiktok, placeholderEmail, ProfileError } from './provider-profile.js';

describe('provider profiles', () => {
  it('OIDC claims: verified only when the provider says so (Apple says "true")', () => {
    expect(
      fromOidcClaims('google', { sub: 's1', email: 'A@Example.com', email_verified: true, name: 'Ada', picture: 'https://p' }),
    ).toEqual({
      provider: 'google',
      subject: 's1',
      email: 'a@example.com',
      emailVerified: true,
      name: 'Ada',
      avatarUrl: 'https://p',
    });
    expect(fromOidcClaims('apple', { sub: 's', email: 'a@b.co', email_verified: 'true' }).emailVerified).toBe(true);
    expect(fromOidcClaims('apple', { sub: 's', email: 'a@b.co', email_verified: 'false' }).emailVerified).toBe(false);
    expect(fromOidcClaims('google', { sub: 's', email_verified: true }).emailVerified).toBe(false);
    expect(() => fromOidcClaims('google', { email: 'a@b.co' })).toThrow(ProfileError);
    expect(() => fromOidcClaims('google', { sub: 'x'.repeat(256) })).toThrow(ProfileError);
  });

  it('GitHub: a primary verified address, else any verified one, else the noreply address, unverified', () => {
    const user = { id: 42, login: 'Octo', name: null, avatar_url: 'https://a' };
    expect(
      fromGithub(user, [
        { email: 'second@x.co', primary: false, verified: true },
        { email: 'Main@x.co', primary: true, verified: true },
      ]),
    ).toMatchObject({ subject: '42', email: 'main@x.co', emailVerified: true, name: 'Octo' });
    expect(
      fromGithub(user, [
        { email: 'p@x.co', primary: true, verified: false },
        { email: 'v@x.co', primary: false, verified: true },
      ]),
    ).toMatchObject({
      email: 'v@x.co',
      emailVerified: true,
    });
    expect(fromGithub(user, [{ email: 'p@x.co', primary: true, verified: false }])).toMatchObject({
      email: 'octo@users.noreply.github.com',
      emailVerified: false,
    });
    expect(fromGithub({ ...user, email: 'Public@x.co' }, 'not a list')).toMatchObject({ email: 'public@x.co', emailVerified: false });
  });

  it('Discord verified flag; Microsoft never verified (nOAuth); TikTok shares no address', () => {
    expect(fromDiscord({ id: '1', username: 'd', email: 'd@x.co', verified: true, avatar: 'h' })).toMatchObject({
      emailVerified: true,
      avatarUrl: 'https://cdn.discordapp.com/avatars/1/h.png',
    });
    expect(fromDiscord({ id: '1', email: 'd@x.co', verified: false }).emailVerified).toBe(false);
    expect(fromMicrosoft({ id: 'm', mail: 'Boss@corp.example', displayName: 'B' })).toMatchObject({
      email: 'boss@corp.example',
      emailVerified: false,
    });
    expect(fromTiktok({ data: { user: { open_id: 'o1', display_name: 'T' } } })).toMatchObject({ subject: 'o1', email: null });
    expect(() => fromTiktok({})).toThrow(ProfileError);
  });

  it('names and addresses are made storable and bounded; an id is taken as sent or refused', () => {
    const p = fromOidcClaims('google', {
      sub: 's',
      email: 'not an address',
      email_verified: true,
      name: `A\u0000da${'x'.repeat(200)}`,
      picture: 'javascript:alert(1)',
    });
    expect(p.email).toBeNull();
    expect(p.emailVerified).toBe(false);
    expect(p.name).toBe(`Ada${'x'.repeat(97)}`);
    expect(p.avatarUrl).toBeUndefined();
    expect(() => fromOidcClaims('google', { sub: 'a\u0000b' })).toThrow(ProfileError);
    expect(fromOidcClaims('google', { sub: ' spaced ' }).subject).toBe(' spaced ');
  });

  it('placeholder addresses are per provider account and lower-case', () => {
    expect(placeholderEmail('tiktok', 'Abc/../X')).toBe('abc-..-x@users.noreply.tiktok.local');
  });
});
