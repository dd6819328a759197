import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PORTS, WEB_APP_ORIGIN } from '../harness/env.js';
import { randomEmail } from '../harness/http.js';
import { current, PASSWORD, REFRESH_COOKIE, sidOf, signUp, webRefresh } from '../identity/helpers.js';
import { buildWebApp, closeServer, launchChromium, newContext, openApp, reload, sdk, serveWebApp } from './web-app.js';

/**
 * The recommended topology: the app and the API on one site. The app is on http://localhost:<port>,
 * the API (through the gateway) on http://localhost:<gateway port>: another origin (CORS, with
 * credentials) but the same site, so the default `SameSite=Lax` refresh cookie goes along.
 * Chromium treats localhost as a secure context, so it keeps the `Secure` cookie over plain HTTP.
 */
const API = `http://localhost:${PORTS.gateway}`;
const UNLISTED_ORIGIN = `http://localhost:${PORTS.webOther}`;

// generous deadlines: a browser, and for cross-site an identity restart, on a machine shared by many
jest.setTimeout(180_000);

let browser: Browser;
let app: Server | undefined;
let other: Server | undefined;
let context: BrowserContext;

beforeAll(async () => {
  const files = await buildWebApp();
  app = await serveWebApp(PORTS.webApp, files);
  other = await serveWebApp(PORTS.webOther, files);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await closeServer(app);
  await closeServer(other);
});
beforeEach(async () => {
  context = await newContext(browser);
});
afterEach(async () => {
  await context?.close();
});

// the cookie's Path is /api/auth: ask for the cookies a request there would carry
const refreshCookie = async () => (await context.cookies(`${API}/api/auth/refresh`)).find((c) => c.name === REFRESH_COOKIE);
const csrfIn = (page: Page) => page.evaluate(() => /(?:^|; )insforge_csrf_token=([^;]*)/.exec(document.cookie)?.[1]);

/** Watches the page's calls to /api/auth/refresh: the X-CSRF-Token it sent and the status it got. */
function watchRefreshes(page: Page) {
  const seen: { csrf: string | undefined; status: number }[] = [];
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/auth/refresh') {
      seen.push({ csrf: req.headers()['x-csrf-token'], status: res.status() });
    }
  });
  return seen;
}

async function signUpInPage(page: Page) {
  const email = randomEmail('browser');
  const up = await sdk(page, 'signUp', { email, password: PASSWORD, name: 'Browser User' });
  expect(up.error).toBeNull();
  expect(up.data.accessToken).toEqual(expect.any(String));
  expect(up.data.refreshToken).toBeUndefined(); // web: the refresh token is only the HttpOnly cookie
  return { email, userId: up.data.user.id as string, accessToken: up.data.accessToken as string };
}

/** An account made from Node (an address of its own), then signed in by the SDK in the page. */
async function signInInPage(page: Page) {
  const { email } = await signUp();
  const r = await sdk(page, 'signInWithPassword', { email, password: PASSWORD });
  expect(r.error).toBeNull();
  expect(r.data.refreshToken).toBeUndefined();
  return { email, userId: r.data.user.id as string, accessToken: r.data.accessToken as string };
}

describe('the SDK in Chromium, app and API on one site', () => {
  it('sign-up sets the HttpOnly refresh cookie; a reload restores the session through cookie + X-CSRF-Token', async () => {
    const page = await openApp(context, WEB_APP_ORIGIN, API);
    const { email, userId, accessToken } = await signUpInPage(page);

    const cookie = await refreshCookie();
    expect(cookie).toEqual(expect.objectContaining({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/api/auth' }));
    expect(await page.evaluate(() => document.cookie)).not.toContain(REFRESH_COOKIE); // script cannot read it
    const csrf = await csrfIn(page);
    expect(csrf).toEqual(expect.any(String));

    const refreshes = watchRefreshes(page);
    await reload(page);
    const me = await sdk(page, 'getCurrentUser');
    expect(me.error).toBeNull();
    expect(me.data.user).toEqual(expect.objectContaining({ id: userId, email }));
    expect(refreshes).toEqual([{ csrf, status: 200 }]);
    // the refresh rotated the cookie and kept the session
    expect((await refreshCookie())!.value).not.toBe(cookie!.value);
    const refreshed = await sdk(page, 'refreshSession');
    expect(refreshed.error).toBeNull();
    expect(sidOf(refreshed.data.accessToken)).toBe(sidOf(accessToken));
  });

  it('profile round trip: setProfile then getProfile, also after a reload', async () => {
    const page = await openApp(context, WEB_APP_ORIGIN, API);
    const { userId } = await signInInPage(page);
    const set = await sdk(page, 'setProfile', { name: 'Ada Browser', bio: 'I <b>test</b> in Chromium' });
    expect(set.error).toBeNull();
    expect(set.data.profile).toEqual(expect.objectContaining({ name: 'Ada Browser', bio: 'I <b>test</b> in Chromium' }));
    await reload(page);
    expect((await sdk(page, 'getCurrentUser')).error).toBeNull();
    const got = await sdk(page, 'getProfile', userId);
    expect(got.error).toBeNull();
    expect(got.data).toEqual(expect.objectContaining({ id: userId, profile: expect.objectContaining({ name: 'Ada Browser' }) }));
  });

  it('sign-out revokes the session server side; signing in again works and survives a reload', async () => {
    const page = await openApp(context, WEB_APP_ORIGIN, API);
    const { email, accessToken } = await signInInPage(page);
    const cookie = (await refreshCookie())!.value;
    const csrf = await csrfIn(page);

    const out = await sdk(page, 'signOut');
    expect(out.error).toBeNull();
    expect(await refreshCookie()).toBeUndefined(); // the browser dropped the cleared cookie
    // server side: the old cookie and access token are dead even if someone kept copies
    expect((await webRefresh(cookie, decodeURIComponent(csrf!))).status).toBe(401);
    expect((await current(accessToken)).status).toBe(401);
    await reload(page);
    expect((await sdk(page, 'getCurrentUser')).data.user).toBeNull();

    const again = await sdk(page, 'signInWithPassword', { email, password: PASSWORD });
    expect(again.error).toBeNull();
    expect(sidOf(again.data.accessToken)).not.toBe(sidOf(accessToken));
    await reload(page);
    expect((await sdk(page, 'getCurrentUser')).data.user).toEqual(expect.objectContaining({ email }));
  });

  it('two tabs reloading and refreshing at once both stay signed in', async () => {
    const first = await openApp(context, WEB_APP_ORIGIN, API);
    const { userId } = await signInInPage(first);
    const second = await openApp(context, WEB_APP_ORIGIN, API);
    const watched = [watchRefreshes(first), watchRefreshes(second)];
    for (let round = 0; round < 2; round++) {
      await Promise.all([reload(first), reload(second)]);
      // both tabs send the same cookie at once: the second refresh of a rotated token within the
      // grace window gets the same successor instead of revoking the session
      const [a, b] = await Promise.all([sdk(first, 'getCurrentUser'), sdk(second, 'getCurrentUser')]);
      expect([a.error, b.error]).toEqual([null, null]);
      expect([a.data.user?.id, b.data.user?.id]).toEqual([userId, userId]);
    }
    expect(watched.map((w) => w.map((r) => r.status))).toEqual([
      [200, 200],
      [200, 200],
    ]);
    // and the session is still good afterwards
    await reload(first);
    expect((await sdk(first, 'getCurrentUser')).data.user?.id).toBe(userId);
  });

  it('a refresh without X-CSRF-Token is refused, even with the cookie', async () => {
    const page = await openApp(context, WEB_APP_ORIGIN, API);
    await signInInPage(page);
    const refused = await page.evaluate(async (api) => {
      const r = await fetch(`${api}/api/auth/refresh`, { method: 'POST', credentials: 'include' });
      return { status: r.status, body: await r.json() };
    }, API);
    // the app can read why (a listed origin): InsForge's error shape
    expect(refused).toEqual({ status: 403, body: { error: 'FORBIDDEN', message: 'Invalid CSRF token', statusCode: 403 } });
    // the cookie is still good for the real client
    await reload(page);
    expect((await sdk(page, 'getCurrentUser')).error).toBeNull();
  });

  it('a page on an origin that is not in CORS_ORIGINS cannot use the API', async () => {
    const page = await openApp(context, UNLISTED_ORIGIN, API);
    const failed: string[] = [];
    page.on('requestfailed', (req) => failed.push(new URL(req.url()).pathname));
    const { email } = await signUp();
    const signIn = await sdk(page, 'signInWithPassword', { email, password: PASSWORD });
    expect(signIn.data).toBeNull();
    expect(signIn.error?.error).toBe('NETWORK_ERROR');
    expect(failed).toContain('/api/auth/sessions'); // the preflight answered without CORS headers: never sent
    const raw = await page.evaluate(async (api) => {
      try {
        await fetch(`${api}/api/auth/public-config`, { credentials: 'include' });
        return 'read';
      } catch (e) {
        return (e as Error).name;
      }
    }, API);
    expect(raw).toBe('TypeError');
    expect(await refreshCookie()).toBeUndefined();
  });
});
