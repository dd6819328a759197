import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import {
  bearer,
  current,
  HEX64,
  INVALID_TOKEN,
  insforgeError,
  PASSWORD,
  REFRESH_COOKIE,
  refreshCookieOf,
  signIn,
  signInRaw,
  signUp,
  userShape,
} from './helpers.js';

const signUpRaw = (body: unknown, opts: { query?: string; headers?: Record<string, string>; ip?: string } = {}) =>
  call('POST', `/api/auth/users${opts.query ?? ''}`, { body, headers: opts.headers ?? bearer(ANON_KEY), ip: opts.ip ?? randomIp() });

describe('POST /api/auth/users: sign-up responses', () => {
  it('web client: {user, accessToken, requireEmailVerification:false, csrfToken} and the refresh cookie', async () => {
    const email = randomEmail('signup-web');
    const r = await signUpRaw({ email, password: PASSWORD, name: '  Web User  ' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      user: userShape(email, { name: 'Web User' }),
      accessToken: expect.any(String),
      requireEmailVerification: false,
      csrfToken: expect.stringMatching(HEX64),
    });
    const cookie = refreshCookieOf(r.headers);
    expect(cookie?.name).toBe(REFRESH_COOKIE);
    expect(cookie?.value).toMatch(HEX64);
    // the access token works at once
    const me = await current(r.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(r.body.user.id);
  });

  it.each(['mobile', 'desktop', 'server'])(
    '%s client: {user, accessToken, requireEmailVerification:false, refreshToken}, no cookie',
    async (client) => {
      const email = randomEmail(`signup-${client}`);
      const r = await signUpRaw({ email, password: PASSWORD }, { query: `?client_type=${client}` });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        user: userShape(email),
        accessToken: expect.any(String),
        requireEmailVerification: false,
        refreshToken: expect.stringMatching(HEX64),
      });
      expect(r.headers.getSetCookie()).toEqual([]);
    },
  );

  it('an unknown client_type is a web client', async () => {
    const r = await signUpRaw({ email: randomEmail('signup-other'), password: PASSWORD }, { query: '?client_type=toaster' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['accessToken', 'csrfToken', 'requireEmailVerification', 'user']);
    expect(refreshCookieOf(r.headers)?.value).toMatch(HEX64);
  });

  it('stores the email trimmed and lower-cased', async () => {
    const local = randomEmail('Signup-Case').split('@')[0]!;
    const r = await signUpRaw({ email: `  ${local.toUpperCase()}@EXAMPLE.com `, password: PASSWORD }, { query: '?client_type=mobile' });
    expect(r.status).toBe(200);
    expect(r.body.user.email).toBe(`${local.toLowerCase()}@example.com`);
  });
});

describe('POST /api/auth/users: duplicates', () => {
  const existsBody = insforgeError(409, 'AUTH_EMAIL_EXISTS', 'User already exists');

  it('409 AUTH_EMAIL_EXISTS for the same email, also in another case or with whitespace', async () => {
    const email = randomEmail('dup');
    await signUp({ email });
    for (const variant of [email, email.toUpperCase(), `  ${email}  `, `\t${email.replace('dup', 'DUP')}\n`]) {
      const r = await signUpRaw({ email: variant, password: 'another-password-1' }, { query: '?client_type=mobile' });
      expect(r.status).toBe(409);
      expect(r.body).toEqual(existsBody);
    }
    // the original password still signs in: the duplicate attempts changed nothing
    expect((await signInRaw(email, PASSWORD)).status).toBe(200);
    expect((await signInRaw(email, 'another-password-1')).status).toBe(401);
  });
});

describe('POST /api/auth/users: password policy (ASVS 2.1)', () => {
  it("a password under the minimum -> 400 INVALID_INPUT with InsForge's message, and no user is created", async () => {
    const email = randomEmail('weak');
    const r = await signUpRaw({ email, password: 'short12' }, { query: '?client_type=mobile' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Password must contain at least 8 characters long'));
    // nothing was left behind: the same email signs up afterwards
    expect((await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile' })).status).toBe(200);
  });

  it('129 characters -> 400 naming the password, and no user is created', async () => {
    const email = randomEmail('long');
    const r = await signUpRaw({ email, password: 'a'.repeat(129) }, { query: '?client_type=mobile' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', /^password: /));
    expect((await signInRaw(email, 'a'.repeat(129))).status).toBe(400);
    expect((await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile' })).status).toBe(200);
  });

  it('128 characters are accepted and not truncated', async () => {
    const password = 'p'.repeat(100) + '0123456789abcdefghijklmnopq!';
    expect(password).toHaveLength(128);
    const a = await signUp({ password });
    expect((await signInRaw(a.email, password)).status).toBe(200);
    expect((await signInRaw(a.email, password.slice(0, 127))).status).toBe(401);
    expect((await signInRaw(a.email, password.slice(0, 72))).status).toBe(401);
  });

  it('a 64-character password with spaces and Unicode is accepted, signs in, and is not trimmed', async () => {
    const core = ' correct horse 🐴 battery 電池 staple — ünïcödé ∑ pässwörd';
    const password = core + '.'.repeat(63 - [...core].length) + ' ';
    expect([...password]).toHaveLength(64);
    const a = await signUp({ password });
    expect((await signInRaw(a.email, password)).status).toBe(200);
    expect((await signInRaw(a.email, password.replace('🐴', '🐎'))).status).toBe(401);
    expect((await signInRaw(a.email, password.trim())).status).toBe(401);
  });

  it('NFKC: a password with a compatibility character signs in with either form', async () => {
    const ligature = 'of\uFB01ce-secret-42'; // 'ﬁ' (U+FB01)
    const plain = 'office-secret-42';
    expect(ligature.normalize('NFKC')).toBe(plain);
    const a = await signUp({ password: ligature });
    expect((await signInRaw(a.email, ligature)).status).toBe(200);
    expect((await signInRaw(a.email, plain)).status).toBe(200);
    expect((await signInRaw(a.email, 'offce-secret-42')).status).toBe(401);

    // and the other way round: signed up with the plain form, the ligature works too
    const b = await signUp({ password: plain });
    expect((await signInRaw(b.email, ligature)).status).toBe(200);
    // full-width digits are compatibility characters too
    const c = await signUp({ password: 'fullwidth-\uFF11\uFF12\uFF13' });
    expect((await signInRaw(c.email, 'fullwidth-123')).status).toBe(200);
  });
});

describe('POST /api/auth/users: the Bearer credential', () => {
  it('our anon key -> 200', async () => {
    const r = await signUpRaw(
      { email: randomEmail('anon-ok'), password: PASSWORD },
      { query: '?client_type=mobile', headers: bearer(ANON_KEY) },
    );
    expect(r.status).toBe(200);
  });

  it('no credential at all is accepted too (our choice: sign-up is public)', async () => {
    const r = await signUpRaw({ email: randomEmail('anon-none'), password: PASSWORD }, { query: '?client_type=mobile', headers: {} });
    expect(r.status).toBe(200);
  });

  it('a valid access token -> 200 (InsForge: any valid JWT)', async () => {
    const a = await signUp();
    const r = await signUpRaw(
      { email: randomEmail('anon-jwt'), password: PASSWORD },
      { query: '?client_type=mobile', headers: bearer(a.accessToken) },
    );
    expect(r.status).toBe(200);
  });

  it('a wrong anon key -> 401 AUTH_INVALID_CREDENTIALS "Invalid anon key", and no user is created', async () => {
    const email = randomEmail('anon-bad');
    const wrong = 'anon_' + 'b2'.repeat(32);
    expect(wrong).not.toBe(ANON_KEY);
    for (const key of [wrong, ANON_KEY.slice(0, -1) + 'f', ANON_KEY + '00', 'anon_', 'anon_x']) {
      const r = await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile', headers: bearer(key) });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(
        insforgeError(401, 'AUTH_INVALID_CREDENTIALS', 'Invalid anon key', 'Check the token is valid or login to get a new token.'),
      );
    }
    expect((await signInRaw(email, PASSWORD)).status).toBe(401);
    expect((await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile' })).status).toBe(200);
  });

  it('a garbage bearer -> 401 AUTH_UNAUTHORIZED "Invalid token", and no user is created', async () => {
    const email = randomEmail('anon-garbage');
    for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.']) {
      const r = await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile', headers: bearer(token) });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
    expect((await signInRaw(email, PASSWORD)).status).toBe(401);
  });
});

describe('POST /api/auth/users: bad input -> 400 in the InsForge shape, never a 5xx', () => {
  const ip = randomIp();
  const email = randomEmail('badinput');
  it.each([
    ['email is a number', { email: 42, password: PASSWORD }, /^email: /],
    ['email is an array', { email: [email], password: PASSWORD }, /^email: /],
    ['email is not an email', { email: 'not-an-email', password: PASSWORD }, /^email: /],
    ['email is missing', { password: PASSWORD }, /^email: /],
    ['password is a number', { email, password: 12345678 }, /^password: /],
    ['password is an object', { email, password: { a: 1 } }, /^password: /],
    ['password is missing', { email }, /^password: /],
    ['password is null', { email, password: null }, /^password: /],
    ['name is a number', { email, password: PASSWORD, name: 5 }, /^name: /],
    ['name is blank', { email, password: PASSWORD, name: '   ' }, /^name: /],
    ['name is too long', { email, password: PASSWORD, name: 'n'.repeat(101) }, /^name: /],
    ['redirectTo is not a URL', { email, password: PASSWORD, redirectTo: 'javascript:alert(1)' }, /^redirectTo: /],
  ])('%s', async (_what, body, message) => {
    const r = await call('POST', '/api/auth/users?client_type=mobile', { body, headers: bearer(ANON_KEY), ip });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', message));
  });

  it.each([
    ['no body', undefined],
    ['malformed JSON', '{"email":'],
    ['an array', '[]'],
  ])('%s -> 400 INVALID_INPUT', async (_what, rawBody) => {
    const r = await call('POST', '/api/auth/users', { rawBody, headers: { ...bearer(ANON_KEY), 'content-type': 'application/json' }, ip });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', expect.any(String)));
  });

  it('none of the refused bodies created the user', async () => {
    expect((await signUpRaw({ email, password: PASSWORD }, { query: '?client_type=mobile' })).status).toBe(200);
    const s = await signIn(email);
    expect(s.userId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
