import type { Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { PORTS, WEB_APP_ORIGIN } from '../harness/env.js';
import { googleAccount, startProviders } from '../oauth/oauth-helpers.js';
import { buildWebApp, closeServer, launchChromium, newContext, openApp, sdk, serveWebApp } from './web-app.js';

/**
 * OAuth in a real browser, as an app does it: the page calls `signInWithOAuth` (which sends the
 * tab to the provider), the local OpenID provider standing in for Google signs the user in, our
 * callback sends the tab back to the page with `?insforge_code=`, and the SDK exchanges it on load
 * by itself with the verifier it kept in sessionStorage.
 */
const API = `http://127.0.0.1:${PORTS.gateway}`;
jest.setTimeout(180_000);

let app: Server | undefined;
let browser: Browser;

beforeAll(async () => {
  await startProviders();
  app = await serveWebApp(PORTS.webApp, await buildWebApp());
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await closeServer(app);
});

async function signInWithGoogle(context: BrowserContext, loginHint: string) {
  const page = await openApp(context, WEB_APP_ORIGIN, API);
  const back = `${WEB_APP_ORIGIN}/?api=${encodeURIComponent(API)}`;
  // the page's own address once the callback sends the tab back (the SDK then cleans it at once)
  const landing = page.waitForRequest(
    (r) => {
      const url = new URL(r.url());
      return (
        r.isNavigationRequest() && url.origin === WEB_APP_ORIGIN && (url.searchParams.has('insforge_code') || url.searchParams.has('error'))
      );
    },
    { timeout: 60_000 },
  );
  // signInWithOAuth navigates the tab away, so its promise never settles in this page
  void page
    .evaluate(
      ([redirectTo, hint]) => (window as any).client.auth.signInWithOAuth('google', { redirectTo, additionalParams: { login_hint: hint } }),
      [back, loginHint] as const,
    )
    .catch(() => undefined);
  const landed = new URL((await landing).url());
  await page.waitForURL((url) => url.origin === WEB_APP_ORIGIN);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return { page, landed };
}

it('signInWithOAuth → provider → callback → the SDK exchanges insforge_code on load', async () => {
  const account = await googleAccount({ name: 'Browser User' });
  const context = await newContext(browser);
  try {
    const { page, landed } = await signInWithGoogle(context, account.sub);
    expect(landed.searchParams.get('insforge_code')).toMatch(/^[0-9a-f]{64}$/);
    const me = await sdk(page, 'getCurrentUser');
    expect(me.error).toBeNull();
    expect(me.data.user).toMatchObject({
      email: account.email,
      emailVerified: true,
      providers: ['google'],
      profile: { name: 'Browser User' },
    });
    // the SDK removed the code from the address bar
    expect(new URL(page.url()).searchParams.has('insforge_code')).toBe(false);
  } finally {
    await context.close();
  }
});

it('a provider refusal comes back as ?error= and signs nobody in', async () => {
  const context = await newContext(browser);
  try {
    const { page, landed } = await signInWithGoogle(context, 'deny');
    expect(landed.searchParams.get('error')).toBe('access_denied');
    const me = await sdk(page, 'getCurrentUser');
    expect(me.data.user).toBeNull();
  } finally {
    await context.close();
  }
});
