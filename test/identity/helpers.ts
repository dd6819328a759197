import { request as httpRequest } from 'node:http';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { call, randomEmail, randomIp, type Reply } from '../harness/http.js';

/** A password that passes the default policy (8 characters minimum). */
export const PASSWORD = 'Identity-e2e passw0rd';
export const REFRESH_COOKIE = 'insforge_refresh_token';
export const HEX64 = /^[0-9a-f]{64}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type Client = 'web' | 'mobile' | 'desktop' | 'server';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** InsForge's error body, exactly (nextActions only when given). */
export const insforgeError = (statusCode: number, error: string, message: unknown, nextActions?: string) => ({
  error,
  message: message instanceof RegExp ? expect.stringMatching(message) : message,
  statusCode,
  ...(nextActions === undefined ? {} : { nextActions }),
});

export const INVALID_TOKEN = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid token');
export const NO_TOKEN = insforgeError(
  401,
  'AUTH_INVALID_CREDENTIALS',
  'No token provided',
  'Check the token is valid or login to get a new token.',
);

/** The `user` object of every InsForge response. */
export const userShape = (email: string, profile: Record<string, unknown> = {}) => ({
  id: expect.stringMatching(UUID),
  email,
  emailVerified: false,
  providers: ['email'],
  createdAt: expect.stringMatching(ISO_DATE),
  updatedAt: expect.stringMatching(ISO_DATE),
  profile,
  metadata: {},
});

const query = (client: Client) => (client === 'web' ? '' : `?client_type=${client}`);

export interface Account {
  email: string;
  password: string;
  ip: string;
  userId: string;
  accessToken: string;
  /** mobile, desktop and server clients */
  refreshToken?: string;
  /** web clients */
  csrfToken?: string;
  /** web clients: the refresh cookie's value */
  cookie?: string;
  reply: Reply;
}

function accountOf(r: Reply, email: string, password: string, ip: string): Account {
  return {
    email,
    password,
    ip,
    userId: r.body.user.id,
    accessToken: r.body.accessToken,
    refreshToken: r.body.refreshToken,
    csrfToken: r.body.csrfToken,
    cookie: refreshCookieOf(r.headers)?.value,
    reply: r,
  };
}

/** `POST /api/auth/users` with the anon key, from an address of its own; throws unless 200. */
export async function signUp(
  opts: { email?: string; password?: string; name?: string; client?: Client; ip?: string } = {},
): Promise<Account> {
  const email = opts.email ?? randomEmail('identity');
  const password = opts.password ?? PASSWORD;
  const ip = opts.ip ?? randomIp();
  const r = await call('POST', `/api/auth/users${query(opts.client ?? 'mobile')}`, {
    body: { email, password, ...(opts.name === undefined ? {} : { name: opts.name }) },
    headers: bearer(ANON_KEY),
    ip,
  });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return accountOf(r, email, password, ip);
}

/** `POST /api/auth/sessions` (password); the raw reply. */
export function signInRaw(email: string, password: string, opts: { client?: Client; ip?: string; headers?: Record<string, string> } = {}) {
  return call('POST', `/api/auth/sessions${query(opts.client ?? 'mobile')}`, {
    body: { email, password },
    ip: opts.ip ?? randomIp(),
    headers: opts.headers,
  });
}

/** A new session for an existing account; throws unless 200. */
export async function signIn(
  email: string,
  password = PASSWORD,
  opts: { client?: Client; ip?: string; headers?: Record<string, string> } = {},
): Promise<Account> {
  const ip = opts.ip ?? randomIp();
  const r = await signInRaw(email, password, { ...opts, ip });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
  return accountOf(r, email, password, ip);
}

/** Non-web refresh with the token in the body (either spelling). */
export function refreshMobile(token: string, opts: { ip?: string; field?: 'refreshToken' | 'refresh_token'; client?: Client } = {}) {
  return call('POST', `/api/auth/refresh${query(opts.client ?? 'mobile')}`, {
    body: { [opts.field ?? 'refreshToken']: token },
    ip: opts.ip ?? randomIp(),
  });
}

export const current = (token: string) => call('GET', '/api/auth/sessions/current', { headers: bearer(token) });

// ---- cookies ----

export interface SetCookie {
  name: string;
  value: string;
  /** attribute names lower-cased; flags map to true */
  attrs: Record<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair, ...rest] = raw.split(';').map((s) => s.trim());
  const eq = pair!.indexOf('=');
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attrs, raw };
}

export const setCookiesOf = (headers: Headers): SetCookie[] => headers.getSetCookie().map(parseSetCookie);

/** The refresh cookie a response sets (or clears), if any; fails on more than one. */
export function refreshCookieOf(headers: Headers): SetCookie | undefined {
  const found = setCookiesOf(headers).filter((c) => c.name === REFRESH_COOKIE);
  if (found.length > 1) throw new Error(`more than one ${REFRESH_COOKIE} cookie: ${found.map((c) => c.raw).join(' | ')}`);
  return found[0];
}

/** A Set-Cookie that removes the refresh cookie: empty, Max-Age=0 or an Expires in the past. */
export function isClearingCookie(c: SetCookie | undefined): boolean {
  if (!c) return false;
  const maxAgeZero = c.attrs['max-age'] === '0';
  const expired = typeof c.attrs.expires === 'string' && new Date(c.attrs.expires).getTime() <= Date.now();
  return c.value === '' && (maxAgeZero || expired) && c.attrs.path === '/api/auth';
}

// ---- raw fetch for the web (cookie + CSRF) flow ----

export interface RawReply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function toRaw(res: Response): Promise<RawReply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A raw fetch through the gateway (no JSON helper), as a browser-less client would do it. */
export async function rawFetch(path: string, init: RequestInit & { ip?: string } = {}): Promise<RawReply> {
  const headers = new Headers(init.headers);
  if (init.ip) headers.set('x-forwarded-for', init.ip);
  const { ip: _ip, ...rest } = init;
  return toRaw(await fetch(`${BASE_URL}${path}`, { ...rest, headers, redirect: 'manual' }));
}

/** Web refresh: the cookie copied into `Cookie:`, the CSRF token in `X-CSRF-Token`. */
export function webRefresh(cookie: string | undefined, csrf: string | undefined, ip = randomIp()) {
  const headers = new Headers();
  if (cookie !== undefined) headers.set('cookie', `${REFRESH_COOKIE}=${cookie}`);
  if (csrf !== undefined) headers.set('x-csrf-token', csrf);
  return rawFetch('/api/auth/refresh', { method: 'POST', headers, ip });
}

export function webLogout(cookie: string | undefined, csrf: string | undefined, ip = randomIp()) {
  const headers = new Headers();
  if (cookie !== undefined) headers.set('cookie', `${REFRESH_COOKIE}=${cookie}`);
  if (csrf !== undefined) headers.set('x-csrf-token', csrf);
  return rawFetch('/api/auth/logout', { method: 'POST', headers, ip });
}

/**
 * A request with repeated header lines (node:http sends each value as its own line), which
 * fetch cannot do: it folds them into one "a, b" value.
 */
export function requestWithHeaderLines(
  method: string,
  path: string,
  lines: [string, string][],
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const url = new URL(`${BASE_URL}${path}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { method, hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    const grouped = new Map<string, string[]>();
    for (const [k, v] of lines) grouped.set(k, [...(grouped.get(k) ?? []), v]);
    for (const [k, v] of grouped) req.setHeader(k, v.length === 1 ? v[0]! : v);
    req.end();
  });
}

// ---- JWTs ----

export const b64url = (v: string | Buffer | object) =>
  Buffer.from(typeof v === 'string' || Buffer.isBuffer(v) ? v : JSON.stringify(v)).toString('base64url');

export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any>; signature: string } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')),
    signature: s ?? '',
  };
}

/** The session id (`sid`) an access token belongs to. */
export const sidOf = (accessToken: string): string => decodeJwt(accessToken).payload.sid as string;
