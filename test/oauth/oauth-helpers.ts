import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BASE_URL, OAUTH_SERVER_URL, OIDC_PROVIDER_URL } from '../harness/env.js';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';
import { alive, pidOf, start } from '../harness/stack.js';

/** Where the app receives `insforge_code` (an origin in the stack's CORS_ORIGINS, so allowed by default). */
export const APP_REDIRECT = 'http://app.example.test/auth/callback';

/** The app's PKCE pair (RFC 7636 S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The test providers run as processes of their own, started once per run. */
export async function startProviders(): Promise<void> {
  for (const name of ['oidcProvider', 'oauthServer'] as const) if (!alive(pidOf(name))) await start(name);
}

export interface GoogleAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

/** An account at the OpenID provider standing in for Google; sign in as it with `login_hint=<sub>`. */
export async function googleAccount(opts: Partial<GoogleAccount> = {}): Promise<GoogleAccount> {
  const a = { sub: `g-${randomUUID()}`, email: randomEmail('google'), email_verified: true, name: 'Google User', ...opts };
  const res = await fetch(`${OIDC_PROVIDER_URL}/__test/accounts`, { method: 'POST', body: JSON.stringify(a) });
  if (res.status !== 204) throw new Error(`oidc-provider refused the account: ${res.status}`);
  return a;
}

export interface GithubUser {
  id: number;
  login: string;
  name?: string;
  email?: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

/** A user of the GitHub-style server; sign in as them with `login=<login>`. */
export async function githubUser(opts: { email?: string; verified?: boolean } = {}): Promise<GithubUser> {
  const email = opts.email ?? randomEmail('github');
  const u: GithubUser = {
    id: Number.parseInt(randomBytes(4).toString('hex'), 16),
    login: `gh-${randomBytes(5).toString('hex')}`,
    name: 'GitHub User',
    email: null,
    emails: [{ email, primary: true, verified: opts.verified ?? true }],
  };
  const res = await fetch(`${OAUTH_SERVER_URL}/__test/users`, { method: 'POST', body: JSON.stringify(u) });
  if (res.status !== 204) throw new Error(`oauth server refused the user: ${res.status}`);
  return u;
}

/** `GET /api/auth/oauth/:provider` through the base URL (or another base, such as one replica). */
export function authorize(
  provider: string,
  query: Record<string, string | string[]>,
  opts: { ip?: string; base?: string } = {},
): Promise<Reply<{ authUrl: string }>> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of ([] as string[]).concat(v)) qs.append(k, one);
  return request('GET', `${opts.base ?? BASE_URL}/api/auth/oauth/${provider}?${qs}`, { ip: opts.ip });
}

/** Any request with a manual redirect and a parsed body. */
export async function request(
  method: string,
  url: string,
  opts: { ip?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? randomIp(), ...opts.headers };
  const res = await fetch(url, { method, headers, body: opts.body, redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * The user's browser at the provider: follows its redirects, keeping its cookies, until the
 * provider sends the browser to our callback. Returns that callback URL.
 */
export async function atProvider(authUrl: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authUrl);
  for (let hop = 0; hop < 10; hop++) {
    if (url.href.startsWith(`${BASE_URL}/api/auth/oauth/`)) return url;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location)
      throw new Error(`the provider answered ${res.status} at ${url}: ${await res.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}

/** The provider's redirect to our callback, sent to the base URL (or to one replica). */
export async function callback(callbackUrl: URL, opts: { base?: string; ip?: string } = {}): Promise<Reply> {
  const url = opts.base ? new URL(callbackUrl.pathname + callbackUrl.search, opts.base) : callbackUrl;
  return request('GET', url.href, { ip: opts.ip });
}

/** Where a callback sent the browser: the app's URL with `insforge_code` or `error`. */
export function appLanding(r: Reply): URL {
  if (r.status !== 302) throw new Error(`the callback answered ${r.status}: ${r.text}`);
  return new URL(r.headers.get('location')!);
}

/** `POST /api/auth/oauth/exchange`. */
export function exchange(code: string, verifier: string, opts: { client?: string; ip?: string; base?: string } = {}): Promise<Reply> {
  const q = opts.client ? `?client_type=${opts.client}` : '';
  return request('POST', `${opts.base ?? BASE_URL}/api/auth/oauth/exchange${q}`, {
    ip: opts.ip,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, code_verifier: verifier }),
  });
}

/** The whole browser-less flow up to the app's landing URL. */
export async function signInVia(
  provider: 'google' | 'github',
  hint: Record<string, string>,
  opts: { app?: { verifier: string; challenge: string }; redirect?: string } = {},
): Promise<{ landing: URL; app: { verifier: string; challenge: string } }> {
  const app = opts.app ?? pkce();
  const begun = await authorize(provider, { redirect_uri: opts.redirect ?? APP_REDIRECT, code_challenge: app.challenge, ...hint });
  if (begun.status !== 200) throw new Error(`authorize answered ${begun.status}: ${begun.text}`);
  const landing = appLanding(await callback(await atProvider(begun.body.authUrl)));
  return { landing, app };
}

export { call };
