import { randomBytes } from 'node:crypto';
import { call, randomIp } from '../harness/http.js';
import {
  type Account,
  current,
  HEX64,
  insforgeError,
  isClearingCookie,
  PASSWORD,
  REFRESH_COOKIE,
  refreshCookieOf,
  refreshMobile,
  requestWithHeaderLines,
  rawFetch,
  sidOf,
  signIn,
  signInRaw,
  signUp,
  sleep,
  userShape,
  webRefresh,
} from './helpers.js';

const REFRESH_GRACE_SECONDS = 10; // REFRESH_REUSE_GRACE_SECONDS of the e2e stack (the default)
const COOKIE_LINE = /^insforge_refresh_token=([0-9a-f]{64}); Max-Age=(\d+); Path=\/api\/auth; HttpOnly; Secure; SameSite=Lax$/;
const INVALID_CSRF = insforgeError(403, 'FORBIDDEN', 'Invalid CSRF token');
const statusClass = (status: number) => (status >= 400 && status < 500 ? '4xx' : String(status));
const INVALID_REFRESH = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');

/** A web session: sign-up, then a web sign-in whose cookie and csrfToken we keep. */
async function webSession(): Promise<Account> {
  const a = await signUp();
  return signIn(a.email, PASSWORD, { client: 'web' });
}

describe('the refresh cookie (ASVS 3.4)', () => {
  it('web sign-in sets insforge_refresh_token=<64 hex>; Max-Age; Path=/api/auth; HttpOnly; Secure; SameSite=Lax', async () => {
    const a = await signUp();
    const r = await signInRaw(a.email, PASSWORD, { client: 'web' });
    expect(r.status).toBe(200);
    const lines = r.headers.getSetCookie();
    expect(lines).toHaveLength(1);
    const m = COOKIE_LINE.exec(lines[0]!);
    expect(m).not.toBeNull();
    const maxAge = Number(m![2]);
    // the session's absolute lifetime (30 days by default), never more
    expect(maxAge).toBeGreaterThan(29 * 86400);
    expect(maxAge).toBeLessThanOrEqual(30 * 86400);
    expect(lines[0]).not.toMatch(/Domain=/i);
    // the cookie is not the access token and never appears in the body
    expect(r.text).not.toContain(m![1]!);
  });

  it('web sign-up sets the same cookie', async () => {
    const r = await call('POST', '/api/auth/users', {
      body: { email: `cookie+${randomBytes(6).toString('hex')}@example.com`, password: PASSWORD },
      ip: randomIp(),
    });
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toEqual([expect.stringMatching(COOKIE_LINE)]);
  });
});

describe('web refresh (cookie + X-CSRF-Token), with raw fetch', () => {
  it('200 {accessToken, user, csrfToken} with a NEW cookie; the csrfToken is stable across rotation', async () => {
    const s = await webSession();
    expect(s.cookie).toMatch(HEX64);
    const r1 = await webRefresh(s.cookie, s.csrfToken);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ accessToken: expect.any(String), user: userShape(s.email), csrfToken: s.csrfToken });
    const c1 = refreshCookieOf(r1.headers);
    expect(c1?.raw).toMatch(COOKIE_LINE);
    expect(c1!.value).not.toBe(s.cookie);
    expect(sidOf(r1.body.accessToken)).toBe(sidOf(s.accessToken));
    expect((await current(r1.body.accessToken)).status).toBe(200);

    // and again with the new cookie: the same csrfToken, another cookie
    const r2 = await webRefresh(c1!.value, s.csrfToken);
    expect(r2.status).toBe(200);
    expect(r2.body.csrfToken).toBe(s.csrfToken);
    const c2 = refreshCookieOf(r2.headers);
    expect(c2!.value).toMatch(HEX64);
    expect(new Set([s.cookie, c1!.value, c2!.value]).size).toBe(3);
  });

  it('a rotated cookie replayed within the grace window gets the SAME new cookie', async () => {
    const s = await webSession();
    const r1 = await webRefresh(s.cookie, s.csrfToken);
    const r2 = await webRefresh(s.cookie, s.csrfToken);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(refreshCookieOf(r2.headers)!.value).toBe(refreshCookieOf(r1.headers)!.value);
  });

  it('missing X-CSRF-Token -> 403 FORBIDDEN "Invalid CSRF token", and the session stays usable', async () => {
    const s = await webSession();
    const r = await webRefresh(s.cookie, undefined);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(INVALID_CSRF);
    expect(refreshCookieOf(r.headers)).toBeUndefined();
    expect((await webRefresh(s.cookie, s.csrfToken)).status).toBe(200);
  });

  it("a wrong X-CSRF-Token -> 403 (random, empty, upper-cased, truncated, another session's)", async () => {
    const s = await webSession();
    const other = await webSession();
    for (const csrf of [
      randomBytes(32).toString('hex'),
      '',
      s.csrfToken!.toUpperCase(),
      s.csrfToken!.slice(0, 63),
      `${s.csrfToken}0`,
      other.csrfToken!,
    ]) {
      const r = await webRefresh(s.cookie, csrf);
      expect(r.status).toBe(403);
      expect(r.body).toEqual(INVALID_CSRF);
    }
    // the CSRF token of this session is bound to it: our own one still works
    expect((await webRefresh(s.cookie, s.csrfToken)).status).toBe(200);
  });

  it('a multi-valued X-CSRF-Token -> 403 (fetch folds it into "a, b"; node:http sends two header lines)', async () => {
    const s = await webSession();
    const folded = new Headers({ cookie: `${REFRESH_COOKIE}=${s.cookie}`, 'x-forwarded-for': randomIp() });
    folded.append('x-csrf-token', s.csrfToken!);
    folded.append('x-csrf-token', s.csrfToken!);
    expect(folded.get('x-csrf-token')).toBe(`${s.csrfToken}, ${s.csrfToken}`);
    const r1 = await rawFetch('/api/auth/refresh', { method: 'POST', headers: folded });
    expect(r1.status).toBe(403);
    expect(r1.body).toEqual(INVALID_CSRF);

    const r2 = await requestWithHeaderLines('POST', '/api/auth/refresh', [
      ['cookie', `${REFRESH_COOKIE}=${s.cookie}`],
      ['x-forwarded-for', randomIp()],
      ['x-csrf-token', s.csrfToken!],
      ['x-csrf-token', s.csrfToken!],
    ]);
    expect(r2.status).toBe(403);
    expect(r2.body).toEqual(INVALID_CSRF);
  });

  it('no cookie -> 401 AUTH_UNAUTHORIZED "No refresh token provided", and the cookie is cleared', async () => {
    const s = await webSession();
    const r = await webRefresh(undefined, s.csrfToken);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'No refresh token provided'));
    expect(isClearingCookie(refreshCookieOf(r.headers))).toBe(true);
  });

  it('an unknown cookie -> 401 and the cookie is cleared', async () => {
    const s = await webSession();
    for (const cookie of [randomBytes(32).toString('hex'), 'not-a-token', s.cookie!.toUpperCase()]) {
      const r = await webRefresh(cookie, s.csrfToken);
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_REFRESH);
      const cleared = refreshCookieOf(r.headers);
      expect(isClearingCookie(cleared)).toBe(true);
      expect(cleared!.raw).toMatch(/; HttpOnly/);
    }
  });

  it("a mobile refresh token in the web cookie of another session is useless with this session's CSRF token", async () => {
    const web = await webSession();
    const mobile = await signIn(web.email);
    const r = await webRefresh(mobile.refreshToken, web.csrfToken);
    expect(r.status).toBe(403);
    expect((await refreshMobile(mobile.refreshToken!)).status).toBe(200);
  });
});

describe('non-web refresh (token in the body)', () => {
  it.each([
    ['mobile', 'refreshToken'],
    ['mobile', 'refresh_token'],
    ['desktop', 'refreshToken'],
    ['server', 'refresh_token'],
  ] as const)('%s with {%s} -> 200 {accessToken, user, refreshToken}', async (client, field) => {
    const a = await signUp();
    const r = await refreshMobile(a.refreshToken!, { field, client });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accessToken: expect.any(String), user: userShape(a.email), refreshToken: expect.stringMatching(HEX64) });
    expect(r.body.refreshToken).not.toBe(a.refreshToken);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(sidOf(r.body.accessToken)).toBe(sidOf(a.accessToken));
    const me = await current(r.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(a.userId);
  });

  it('missing token -> 400 INVALID_INPUT "refreshToken: Required"', async () => {
    const required = insforgeError(400, 'INVALID_INPUT', 'refreshToken: Required');
    const ip = randomIp();
    for (const body of [{}, { token: 'x' }, { refreshToken: '' }]) {
      const r = await call('POST', '/api/auth/refresh?client_type=mobile', { body, ip });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(required);
    }
    const none = await call('POST', '/api/auth/refresh?client_type=mobile', { ip });
    expect(none.status).toBe(400);
    expect(none.body).toEqual(required);
  });

  // The body DTO (RefreshRequest) declares IsString and MaxLength(256): wrong types are bad input.
  // A string that is not a live token, however long, is a 401 (test/identity/token-fields.e2e-spec.ts).
  it('a token of the wrong type -> 400 INVALID_INPUT', async () => {
    for (const body of [{ refreshToken: 42 }, { refresh_token: ['a'] }, { refreshToken: { a: 1 } }]) {
      const r = await call('POST', '/api/auth/refresh?client_type=mobile', { body, ip: randomIp() });
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', /^(refreshToken|refresh_token): /));
    }
  });

  // Without validation, an array holding a 64-hex token passes the format check and reaches sha256().
  it.each([
    ['refresh', '/api/auth/refresh?client_type=mobile', 'refreshToken'],
    ['refresh', '/api/auth/refresh?client_type=mobile', 'refresh_token'],
    ['logout', '/api/auth/logout?client_type=mobile', 'refresh_token'],
    ['logout', '/api/auth/logout', 'refreshToken'],
  ])('%s (%s) with {%s: [<live token>]} -> 400, never a 5xx', async (_what, path, field) => {
    const a = await signUp();
    const r = await call('POST', path, { body: { [field]: [a.refreshToken] }, ip: randomIp() });
    expect(statusClass(r.status)).toBe('4xx');
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', new RegExp(`^${field}: `)));
    // the session is untouched
    expect((await refreshMobile(a.refreshToken!)).status).toBe(200);
  });

  it('an unknown token -> 401 AUTH_UNAUTHORIZED "Invalid or expired refresh token"', async () => {
    for (const token of [randomBytes(32).toString('hex'), 'nope']) {
      const r = await refreshMobile(token);
      expect(r.status).toBe(401);
      expect(r.body).toEqual(INVALID_REFRESH);
    }
  });

  it('an access token is not a refresh token', async () => {
    const a = await signUp();
    const r = await refreshMobile(a.accessToken);
    expect([400, 401]).toContain(r.status);
    expect(r.body.error).toBe(r.status === 400 ? 'INVALID_INPUT' : 'AUTH_UNAUTHORIZED');
    expect((await refreshMobile(a.refreshToken!)).status).toBe(200);
  });

  it('rotation: every refresh returns a new token; replaying the old one within the grace window returns the SAME new token', async () => {
    const a = await signUp();
    const tA = a.refreshToken!;
    const r1 = await refreshMobile(tA);
    expect(r1.status).toBe(200);
    const tB = r1.body.refreshToken as string;
    expect(tB).not.toBe(tA);

    const replay = await refreshMobile(tA);
    expect(replay.status).toBe(200);
    expect(replay.body.refreshToken).toBe(tB);
    expect(sidOf(replay.body.accessToken)).toBe(sidOf(a.accessToken));

    // B is still the live token: it rotates to C
    const r2 = await refreshMobile(tB);
    expect(r2.status).toBe(200);
    const tC = r2.body.refreshToken as string;
    expect(new Set([tA, tB, tC]).size).toBe(3);
    // within the window, the replay of A or B lands on the live end of the chain: C
    expect((await refreshMobile(tA)).body.refreshToken).toBe(tC);
    expect((await refreshMobile(tB)).body.refreshToken).toBe(tC);
    // and the session is alive
    expect((await current(r2.body.accessToken)).status).toBe(200);
  });

  it('20 parallel refreshes of one token: all 200, all the same new token, which then refreshes', async () => {
    const a = await signUp();
    const ip = randomIp();
    const replies = await Promise.all(Array.from({ length: 20 }, () => refreshMobile(a.refreshToken!, { ip })));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(replies.map((r) => r.body.refreshToken as string));
    expect(tokens.size).toBe(1);
    const [next] = [...tokens];
    expect(next).toMatch(HEX64);
    expect(next).not.toBe(a.refreshToken);
    expect(new Set(replies.map((r) => sidOf(r.body.accessToken))).size).toBe(1);

    const after = await refreshMobile(next!, { ip });
    expect(after.status).toBe(200);
    const last = after.body.refreshToken as string;
    expect(last).not.toBe(next);
    // exactly one live token: the old ones (inside the window) land on it, and it rotates on use
    expect((await refreshMobile(a.refreshToken!, { ip })).body.refreshToken).toBe(last);
    expect((await refreshMobile(next!, { ip })).body.refreshToken).toBe(last);
    const lastUse = await refreshMobile(last, { ip });
    expect(lastUse.status).toBe(200);
    expect(lastUse.body.refreshToken).not.toBe(last);
  });

  it("a refresh racing its session's logout never leaves a usable token behind (20 rounds)", async () => {
    for (let round = 0; round < 20; round++) {
      const a = await signUp();
      const ip = randomIp();
      const [refreshed, logout] = await Promise.all([
        refreshMobile(a.refreshToken!, { ip }),
        call('POST', '/api/auth/logout?client_type=mobile', { headers: { authorization: `Bearer ${a.accessToken}` }, ip }),
      ]);
      expect(logout.status).toBe(200);
      if (refreshed.status === 200) {
        // The refresh came first: what it handed out died with the session.
        expect((await current(refreshed.body.accessToken as string)).status).toBe(401);
        expect((await refreshMobile(refreshed.body.refreshToken as string, { ip })).status).toBe(401);
      } else {
        expect(refreshed.status).toBe(401);
        expect(refreshed.body).toEqual(INVALID_REFRESH);
      }
      expect((await refreshMobile(a.refreshToken!, { ip })).status).toBe(401);
    }
  });

  it('20 parallel web refreshes of one cookie: all 200 with the same new cookie', async () => {
    const s = await webSession();
    const ip = randomIp();
    const replies = await Promise.all(Array.from({ length: 20 }, () => webRefresh(s.cookie, s.csrfToken, ip)));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const cookies = new Set(replies.map((r) => refreshCookieOf(r.headers)?.value));
    expect(cookies.size).toBe(1);
    const [next] = [...cookies];
    expect(next).toMatch(HEX64);
    expect(next).not.toBe(s.cookie);
    expect((await webRefresh(next, s.csrfToken, ip)).status).toBe(200);
  });
});

describe(`reuse outside the ${REFRESH_GRACE_SECONDS} s grace window revokes the session`, () => {
  // Everything that needs the window to pass is set up first, then one wait serves every test.
  let s1: Account; // A1 -> B1 -> C1, then A1 replayed late
  let s1Sibling: Account; // another session of s1's user
  let s2: Account; // A2 -> B2 -> C2, then B2 replayed late
  let web: Account; // cookie A3 -> B3, then A3 replayed late
  let control: Account; // A4 -> B4, nothing replayed
  const chains: Record<string, string[]> = {};

  const rotateTwice = async (acc: Account): Promise<string[]> => {
    const b = (await refreshMobile(acc.refreshToken!)).body.refreshToken as string;
    const c = (await refreshMobile(b)).body.refreshToken as string;
    expect([b, c]).toEqual([expect.stringMatching(HEX64), expect.stringMatching(HEX64)]);
    return [acc.refreshToken!, b, c];
  };

  beforeAll(async () => {
    s1 = await signUp();
    s1Sibling = await signIn(s1.email);
    s2 = await signUp();
    web = await webSession();
    control = await signUp();
    chains.s1 = await rotateTwice(s1);
    chains.s2 = await rotateTwice(s2);
    const r = await webRefresh(web.cookie, web.csrfToken);
    chains.web = [web.cookie!, refreshCookieOf(r.headers)!.value];
    chains.control = [control.refreshToken!, (await refreshMobile(control.refreshToken!)).body.refreshToken as string];
    await sleep((REFRESH_GRACE_SECONDS + 1.5) * 1000);
  }, 40_000);

  it('replaying the first token (A) -> 401; the live token (C) and the access token die with the session', async () => {
    const [a, , c] = chains.s1!;
    const replay = await refreshMobile(a!);
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual(INVALID_REFRESH);
    const live = await refreshMobile(c!);
    expect(live.status).toBe(401);
    expect(live.body).toEqual(INVALID_REFRESH);
    const me = await current(s1.accessToken);
    expect(me.status).toBe(401);
    expect(me.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid token'));
  });

  it('only that session: another session of the same user lives on', async () => {
    expect((await refreshMobile(chains.s1![0]!)).status).toBe(401);
    expect((await refreshMobile(chains.s1![2]!)).status).toBe(401);
    const r = await refreshMobile(s1Sibling.refreshToken!);
    expect(r.status).toBe(200);
    expect((await current(r.body.accessToken)).status).toBe(200);
  });

  it('replaying a middle token (B) -> 401, and then C is dead too', async () => {
    const [, b, c] = chains.s2!;
    expect((await refreshMobile(b!)).status).toBe(401);
    expect((await refreshMobile(c!)).status).toBe(401);
    expect((await current(s2.accessToken)).status).toBe(401);
  });

  it('web: replaying a rotated cookie late -> 401 with the cookie cleared, and the new cookie is dead', async () => {
    const [oldCookie, newCookie] = chains.web!;
    const replay = await webRefresh(oldCookie, web.csrfToken);
    expect(replay.status).toBe(401);
    expect(isClearingCookie(refreshCookieOf(replay.headers))).toBe(true);
    expect((await webRefresh(newCookie, web.csrfToken)).status).toBe(401);
  });

  it('control: the wait alone kills nothing; the live token still refreshes', async () => {
    const [, live] = chains.control!;
    const r = await refreshMobile(live!);
    expect(r.status).toBe(200);
    expect((await current(r.body.accessToken)).status).toBe(200);
  });
});
