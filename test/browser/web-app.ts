import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ANON_KEY, DATA, ROOT } from '../harness/env.js';

/**
 * A frontend as a user of the platform writes one: the real `@insforge/sdk` bundled (esbuild, at test
 * time, into .data) into a page served from its own origin, driven in Debian's Chromium through
 * playwright-core (no browser download). `window.sdk(method, ...args)` calls `client.auth[method]`
 * and returns `{data, error}` with the error's fields (an Error does not cross into the test).
 */
const DIR = join(DATA, 'browser');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>web app</title><script src="/sdk.js"></script></head>
<body><script>
  const api = new URLSearchParams(location.search).get('api');
  window.client = InsForge.createClient({ baseUrl: api, anonKey: ANON_KEY });
  window.sdk = async (method, ...args) => {
    const r = await window.client.auth[method](...args);
    const e = r.error;
    return { data: r.data ?? null, error: e ? { statusCode: e.statusCode, error: e.error, message: e.message } : null };
  };
  window.ready = true;
</script></body></html>`;

/** Bundles the SDK (a browser IIFE exposing `InsForge`) and writes the page; returns both. */
export async function buildWebApp(): Promise<{ html: string; js: string }> {
  mkdirSync(DIR, { recursive: true });
  const outfile = join(DIR, 'sdk.js');
  await build({
    stdin: { contents: "export { createClient } from '@insforge/sdk';", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    globalName: 'InsForge',
    platform: 'browser',
    target: 'chrome120',
    outfile,
    // the SDK imports Node's crypto only where globalThis.crypto is missing (never in a browser)
    external: ['crypto'],
    logLevel: 'warning',
  });
  const html = PAGE.replace('ANON_KEY', JSON.stringify(ANON_KEY));
  writeFileSync(join(DIR, 'index.html'), html);
  return { html, js: readFileSync(outfile, 'utf8') };
}

/** A static server for the page, on 127.0.0.1 (Chromium reaches it as http://localhost:<port>). */
export async function serveWebApp(port: number, files: { html: string; js: string }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(files.html);
    else if (path === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(files.js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return server;
}

export const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** Debian's chromium, installed by scripts/ensure-chromium.sh when missing. */
export function chromiumPath(): string {
  return execFileSync('bash', [join(ROOT, 'scripts/ensure-chromium.sh')], { encoding: 'utf8' }).trim();
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 60_000 });
}

/**
 * A fresh profile (cookies, storage). No request interception: with it, playwright answers CORS
 * preflights itself, and the suite must see the platform's own CORS answers. So the browser's
 * requests all come from 127.0.0.1: the suite makes its accounts from Node (an address of their own
 * each) and signs up in the browser only once per topology, far below the per-IP sign-up limit.
 */
export const newContext = (browser: Browser): Promise<BrowserContext> => browser.newContext();

/** Opens the app page (served at `appOrigin`) talking to the API at `api`, once the SDK is loaded. */
export async function openApp(context: BrowserContext, appOrigin: string, api: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appOrigin}/?api=${encodeURIComponent(api)}`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}

export interface SdkResult<T = any> {
  data: T;
  error: { statusCode: number; error: string; message: string } | null;
}

/** Calls `client.auth[method](...args)` inside the page. */
export function sdk<T = any>(page: Page, method: string, ...args: unknown[]): Promise<SdkResult<T>> {
  return page.evaluate(([m, a]) => (window as any).sdk(m, ...(a as unknown[])), [method, args] as const);
}

/** Reloads the page (memory gone: only cookies remain) and waits for the SDK again. */
export async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}
