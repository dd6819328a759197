import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { BASE_URL, OAUTH_TEST_CLIENTS, OIDC_PROVIDER_URL, OAUTH_SERVER_URL, PORTS } from '../harness/env.js';
import { randomEmail, randomIp } from '../harness/http.js';
import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import {
  bearer,
  current,
  HEX64,
  insforgeError,
  PASSWORD,
  refreshMobile,
  REFRESH_COOKIE,
  signIn,
  signInRaw,
  signUp,
} from '../identity/helpers.js';
import {
  APP_REDIRECT,
  appLanding,
  atProvider,
  authorize,
  callback,
  exchange,
  githubUser,
  googleAccount,
  pkce,
  request,
  signInVia,
  startProviders,
} from './oauth-helpers.js';

/**
 * OAuth sign-in end to end, through the base URL, against real providers run locally: the
 * `oidc-provider` package standing in for Google (OpenID Connect: ID token, nonce, PKCE) and a
 * GitHub-style OAuth 2.0 server, both reached through OAUTH_PROVIDER_ENDPOINTS (test/harness/env.ts).
 */
const codeOf = (landing: URL) => {
  const code = landing.searchParams.get('insforge_code');
  if (!code) throw new Error(`no insforge_code: ${landing.href}`);
  return code;
};

beforeAll(async () => {
  await startProviders();
});

describe('the code flow with PKCE', () => {
  it('google (OpenID Connect), web client: authUrl, provider, callback, exchange; the session works', async () => {
    const account = await googleAccount({ name: 'Ada Google' });
    const app = pkce();
    const start = await authorize('google', {
      redirect_uri: APP_REDIRECT,
      code_challenge: app.challenge,
      login_hint: account.sub,
      // passed through to the provider (oidc-provider knows login, not Google's select_account)
      prompt: 'login',
    });
    expect(start.status).toBe(200);
    expect(Object.keys(start.body)).toEqual(['authUrl']);
    const authUrl = new URL(start.body.authUrl);
    expect(authUrl.origin + authUrl.pathname).toBe(`${OIDC_PROVIDER_URL}/auth`);
    const p = authUrl.searchParams;
    expect(p.get('client_id')).toBe(OAUTH_TEST_CLIENTS.google.clientId);
    expect(p.get('redirect_uri')).toBe(`${BASE_URL}/api/auth/oauth/google/callback`);
    expect(p.get('response_type')).toBe('code');
    expect(p.get('scope')).toBe('openid email profile');
    expect(p.get('prompt')).toBe('login');
    expect(p.get('code_challenge_method')).toBe('S256');
    // our own PKCE pair and nonce at the provider, never the app's challenge
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('code_challenge')).not.toBe(app.challenge);
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')!.split('.')).toHaveLength(3);

    const cb = await atProvider(start.body.authUrl);
    expect(cb.searchParams.get('state')).toBe(p.get('state'));
    const back = await callback(cb);
    expect(back.status).toBe(302);
    expect(back.headers.get('cache-control')).toBe('no-store');
    const landing = appLanding(back);
    expect(landing.origin + landing.pathname).toBe(APP_REDIRECT);
    expect([...landing.searchParams.keys()]).toEqual(['insforge_code']);
    expect(codeOf(landing)).toMatch(HEX64);

    const ex = await exchange(codeOf(landing), app.verifier);
    expect(ex.status).toBe(200);
    expect(Object.keys(ex.body).sort()).toEqual(['accessToken', 'csrfToken', 'user']);
    expect(ex.body.user).toMatchObject({
      email: account.email,
      emailVerified: true,
      providers: ['google'],
      profile: { name: 'Ada Google' },
    });
    expect(ex.headers.get('set-cookie')).toMatch(new RegExp(`^${REFRESH_COOKIE}=[0-9a-f]{64};`));
    expect((await current(ex.body.accessToken)).body.user.id).toBe(ex.body.user.id);

    // the same Google account signs in to the same user again
    const again = await signInVia('google', { login_hint: account.sub });
    const ex2 = await exchange(codeOf(again.landing), again.app.verifier, { client: 'mobile' });
    expect(ex2.status).toBe(200);
    expect(ex2.body.user.id).toBe(ex.body.user.id);
  });

  it('github (OAuth 2.0, GitHub user API), mobile client: refreshToken in the body, and it refreshes', async () => {
    const user = await githubUser();
    const { landing, app } = await signInVia('github', { login: user.login });
    const ex = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(ex.status).toBe(200);
    expect(Object.keys(ex.body).sort()).toEqual(['accessToken', 'refreshToken', 'user']);
    expect(ex.headers.get('set-cookie')).toBeNull();
    expect(ex.body.user).toMatchObject({
      email: user.emails[0].email,
      emailVerified: true,
      providers: ['github'],
      profile: { name: 'GitHub User' },
    });
    const refreshed = await refreshMobile(ex.body.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.id).toBe(ex.body.user.id);
  });

  it('extra authorization parameters pass through but never replace ours', async () => {
    const app = pkce();
    const r = await authorize('google', {
      redirect_uri: APP_REDIRECT,
      code_challenge: app.challenge,
      prompt: 'select_account',
      login_hint: 'someone',
      access_type: 'offline',
      state: 'attacker',
      client_id: 'attacker',
      scope: 'openid admin',
      response_type: 'token',
      response_mode: 'fragment',
      nonce: 'attacker',
      request_uri: 'https://evil.example/req',
      request: 'eyJ.x.y',
      code_challenge_method: 'plain',
    });
    expect(r.status).toBe(200);
    const p = new URL(r.body.authUrl).searchParams;
    expect(p.get('prompt')).toBe('select_account');
    expect(p.get('login_hint')).toBe('someone');
    expect(p.get('access_type')).toBe('offline');
    expect(p.get('client_id')).toBe(OAUTH_TEST_CLIENTS.google.clientId);
    expect(p.get('scope')).toBe('openid email profile');
    expect(p.get('response_type')).toBe('code');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('state')).not.toBe('attacker');
    expect(p.get('nonce')).not.toBe('attacker');
    for (const gone of ['response_mode', 'request_uri', 'request']) expect(p.has(gone)).toBe(false);
    for (const k of ['client_id', 'scope', 'state', 'nonce', 'response_type', 'code_challenge_method']) expect(p.getAll(k)).toHaveLength(1);
  });

  it('github gets our PKCE too, and the server checks it', async () => {
    const user = await githubUser();
    const r = await authorize('github', { redirect_uri: APP_REDIRECT, code_challenge: pkce().challenge, login: user.login });
    const p = new URL(r.body.authUrl).searchParams;
    expect(new URL(r.body.authUrl).origin).toBe(OAUTH_SERVER_URL);
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('scope')).toBe('read:user user:email');
  });
});

describe('exchange abuse', () => {
  it('a wrong verifier fails with PKCE verification failed, and spends the code', async () => {
    const { landing, app } = await signInVia('google', { login_hint: (await googleAccount()).sub });
    const wrong = await exchange(codeOf(landing), pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(insforgeError(400, 'AUTH_UNAUTHORIZED', 'PKCE verification failed'));
    const right = await exchange(codeOf(landing), app.verifier);
    expect(right.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
  });

  it('a code is single use, also when two exchanges race', async () => {
    const { landing, app } = await signInVia('google', { login_hint: (await googleAccount()).sub });
    const both = await Promise.all([exchange(codeOf(landing), app.verifier), exchange(codeOf(landing), app.verifier)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    const replay = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(replay.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
  });

  it('an expired code is refused (Redis expired it)', async () => {
    const { landing, app } = await signInVia('google', { login_hint: (await googleAccount()).sub });
    const key = `oauth:exchange:${createHash('sha256').update(codeOf(landing)).digest('hex')}`;
    const redis = (...args: string[]) =>
      execFileSync('redis-cli', ['-p', String(PORTS.redis), ...args])
        .toString()
        .trim();
    expect(Number(redis('TTL', key))).toBeGreaterThan(0);
    expect(Number(redis('TTL', key))).toBeLessThanOrEqual(300);
    redis('PEXPIRE', key, '1');
    while (redis('EXISTS', key) !== '0') await new Promise((r) => setTimeout(r, 20));
    const late = await exchange(codeOf(landing), app.verifier);
    expect(late.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
  });

  it('unknown, malformed and hostile codes and verifiers are 400s', async () => {
    const v = pkce().verifier;
    expect((await exchange('0'.repeat(64), v)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
    expect((await exchange('x'.repeat(200), v)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
    expect((await exchange('abc', 'short')).body).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'code_verifier: Code verifier must be at least 43 characters'),
    );
    expect((await exchange('abc', `${'a'.repeat(42)}!`)).body).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'code_verifier: Code verifier must be base64url encoded'),
    );
    const nul = await exchange('a\u0000b', v);
    expect(nul.status).toBe(400);
    const missing = await request('POST', `${BASE_URL}/api/auth/oauth/exchange`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'code: Required, code_verifier: Required'));
  });
});

describe('state abuse', () => {
  async function providerCallback(provider: 'google' | 'github', hint: Record<string, string>) {
    const r = await authorize(provider, { redirect_uri: APP_REDIRECT, code_challenge: pkce().challenge, ...hint });
    return atProvider(r.body.authUrl);
  }

  it('a missing state, a forged one and one with a changed signature are JSON 400s', async () => {
    const missing = await request('GET', `${BASE_URL}/api/auth/oauth/google/callback?code=abc`);
    expect(missing.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'State parameter is required'));
    const forged = await request(
      'GET',
      `${BASE_URL}/api/auth/oauth/google/callback?code=abc&state=eyJhbGciOiJub25lIn0.eyJwcm92aWRlciI6Imdvb2dsZSJ9.`,
    );
    expect(forged.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter'));
    const cb = await providerCallback('google', { login_hint: (await googleAccount()).sub });
    const state = cb.searchParams.get('state')!;
    const [h, payload] = state.split('.');
    const evil = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), redirectUri: 'https://evil.example/' }),
    ).toString('base64url');
    cb.searchParams.set('state', `${h}.${evil}.${state.split('.')[2]}`);
    expect((await callback(cb)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter'));
  });

  it("a state swapped to another provider's callback is refused", async () => {
    const cb = await providerCallback('google', { login_hint: (await googleAccount()).sub });
    const swapped = new URL(cb.href.replace('/oauth/google/callback', '/oauth/github/callback'));
    expect((await callback(swapped)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter'));
  });

  it("another flow's state with this flow's code: the provider's PKCE binding refuses the code", async () => {
    const a = await providerCallback('google', { login_hint: (await googleAccount()).sub });
    const b = await providerCallback('google', { login_hint: (await googleAccount()).sub });
    a.searchParams.set('state', b.searchParams.get('state')!);
    const landing = appLanding(await callback(a));
    expect(landing.searchParams.get('insforge_code')).toBeNull();
    expect(landing.searchParams.get('error')).toBe('invalid_grant');
    // GitHub answers a refused code with 200 and an `error` field: still a refusal
    const c = await providerCallback('github', { login: (await githubUser()).login });
    const d = await providerCallback('github', { login: (await githubUser()).login });
    c.searchParams.set('state', d.searchParams.get('state')!);
    const gh = appLanding(await callback(c));
    expect(gh.searchParams.get('insforge_code')).toBeNull();
    expect(gh.searchParams.get('error')).toBe('bad_verification_code');
  });

  it('a callback replayed with the same state is refused', async () => {
    const cb = await providerCallback('github', { login: (await githubUser()).login });
    expect((await callback(cb)).status).toBe(302);
    expect((await callback(cb)).body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter'));
  });

  it("the provider's error goes back to the app as ?error=", async () => {
    const g = appLanding(await callback(await providerCallback('google', { login_hint: 'deny' })));
    expect(g.origin + g.pathname).toBe(APP_REDIRECT);
    expect(g.searchParams.get('error')).toBe('access_denied');
    expect(g.searchParams.has('insforge_code')).toBe(false);
    const gh = appLanding(await callback(await providerCallback('github', { login: 'deny' })));
    expect(gh.searchParams.get('error')).toBe('access_denied');
  });
});

describe('authorize input', () => {
  const challenge = pkce().challenge;

  it('a redirect URI off the allow-list is refused, at authorize and again at the callback', async () => {
    const off = await authorize('google', { redirect_uri: 'https://evil.example/cb', code_challenge: challenge });
    expect(off.body).toEqual(
      insforgeError(
        400,
        'INVALID_INPUT',
        'https://evil.example/cb is not in the allowed redirect URLs',
        'Please add this URL to the allowed redirect URLs in the authentication configuration.',
      ),
    );
    const r = await authorize('google', { redirect_uri: APP_REDIRECT, code_challenge: challenge, login_hint: (await googleAccount()).sub });
    const cb = await atProvider(r.body.authUrl);
    await setAuthConfig({ allowed_redirect_urls: ['http://other.example.test/**'] });
    try {
      const back = await callback(cb);
      expect(back.status).toBe(400);
      expect(back.body.message).toBe(`${APP_REDIRECT} is not in the allowed redirect URLs`);
    } finally {
      await setAuthConfig({ allowed_redirect_urls: DEFAULT_AUTH_CONFIG.allowed_redirect_urls ?? [] });
    }
  });

  it("InsForge's validation messages, and our bounds on extras", async () => {
    const msg = async (provider: string, q: Record<string, string | string[]>) => (await authorize(provider, q)).body;
    expect(await msg('myspace', { redirect_uri: APP_REDIRECT, code_challenge: challenge })).toEqual(
      insforgeError(
        400,
        'INVALID_INPUT',
        'Unsupported OAuth provider: myspace. Supported providers: google, github, discord, linkedin, facebook, instagram, tiktok, apple, x, spotify, microsoft',
      ),
    );
    expect(await msg('google', { code_challenge: challenge })).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'redirect_uri: Redirect URI is required'),
    );
    expect(await msg('google', { redirect_uri: 'not a url', code_challenge: challenge })).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'redirect_uri: Invalid url'),
    );
    expect(await msg('google', { redirect_uri: APP_REDIRECT })).toEqual(insforgeError(400, 'INVALID_INPUT', 'code_challenge: Required'));
    expect(await msg('google', { redirect_uri: APP_REDIRECT, code_challenge: 'abc' })).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'code_challenge: Code challenge must be at least 43 characters'),
    );
    expect(await msg('google', { redirect_uri: APP_REDIRECT, code_challenge: challenge, prompt: ['a', 'b'] })).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'prompt: Expected string, received array'),
    );
    expect(await msg('google', { redirect_uri: APP_REDIRECT, code_challenge: challenge, prompt: 'x'.repeat(1025) })).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'prompt: must be at most 1024 characters'),
    );
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, 'v']));
    expect((await authorize('google', { redirect_uri: APP_REDIRECT, code_challenge: challenge, ...many })).status).toBe(400);
  });

  it('a provider without configuration answers 501 AUTH_OAUTH_CONFIG_ERROR', async () => {
    const r = await authorize('discord', { redirect_uri: APP_REDIRECT, code_challenge: challenge });
    expect(r.body).toEqual(
      insforgeError(501, 'AUTH_OAUTH_CONFIG_ERROR', 'discord OAuth is not properly configured. Please check your oauth configurations.'),
    );
  });

  it("form posts reach only the callback (Apple's form_post); elsewhere they are 415", async () => {
    const r = await authorize('google', { redirect_uri: APP_REDIRECT, code_challenge: challenge, login_hint: (await googleAccount()).sub });
    const cb = await atProvider(r.body.authUrl);
    const posted = await request('POST', `${BASE_URL}/api/auth/oauth/google/callback`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: cb.searchParams.toString(),
    });
    expect(posted.status).toBe(302);
    expect(new URL(posted.headers.get('location')!).searchParams.get('insforge_code')).toMatch(HEX64);
    const elsewhere = await request('POST', `${BASE_URL}/api/auth/sessions`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.co&password=x',
    });
    expect(elsewhere.status).toBe(415);
    const twice = await request('POST', `${BASE_URL}/api/auth/oauth/google/callback`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=a&state=b',
    });
    expect(twice.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid state parameter'));
  });
});

describe('account resolution', () => {
  it('a verified provider email claims an unverified account: the stranger who registered it loses every session and the password', async () => {
    const stranger = await signUp({ email: randomEmail('claimed') });
    const strangerWeb = await signIn(stranger.email, PASSWORD, { client: 'web' });
    const account = await googleAccount({ email: stranger.email, email_verified: true });
    const { landing, app } = await signInVia('google', { login_hint: account.sub });
    const ex = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(ex.status).toBe(200);
    expect(ex.body.user).toMatchObject({ id: stranger.userId, emailVerified: true, providers: ['google'] });
    expect((await refreshMobile(stranger.refreshToken!)).status).toBe(401);
    expect((await current(stranger.accessToken)).status).toBe(401);
    expect((await current(strangerWeb.accessToken)).status).toBe(401);
    expect((await signInRaw(stranger.email, PASSWORD)).status).toBe(401);
    expect((await current(ex.body.accessToken)).status).toBe(200);
  });

  it('a verified provider email links to a verified account without touching its sessions', async () => {
    const owner = await signUp({ email: randomEmail('owner') });
    await import('../harness/db.js').then(({ sql }) =>
      sql(`UPDATE identity.users SET email_verified = true WHERE id = $1`, [owner.userId]),
    );
    const user = await githubUser({ email: owner.email, verified: true });
    const { landing, app } = await signInVia('github', { login: user.login });
    const ex = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(ex.body.user).toMatchObject({ id: owner.userId, providers: ['email', 'github'] });
    expect((await refreshMobile(owner.refreshToken!)).status).toBe(200);
    expect((await signInRaw(owner.email, PASSWORD)).status).toBe(200);
  });

  it('an email the provider did not verify never links: ?error= and the account keeps its sessions', async () => {
    const owner = await signUp({ email: randomEmail('unlinked') });
    const google = await googleAccount({ email: owner.email, email_verified: false });
    const g = await signInVia('google', { login_hint: google.sub });
    expect(g.landing.searchParams.get('error')).toBe('User already exists');
    expect(g.landing.searchParams.has('insforge_code')).toBe(false);
    expect((await current(owner.accessToken)).status).toBe(200);
    expect((await refreshMobile(owner.refreshToken!)).status).toBe(200);

    // GitHub: an unverified address is not used at all; the account gets GitHub's noreply address
    const user = await githubUser({ email: owner.email, verified: false });
    const { landing, app } = await signInVia('github', { login: user.login });
    const ex = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(ex.body.user).toMatchObject({ email: `${user.login}@users.noreply.github.com`, emailVerified: false, providers: ['github'] });
    expect(ex.body.user.id).not.toBe(owner.userId);
    expect((await current(owner.accessToken)).status).toBe(200);
  });

  it('two first sign-ins of one provider account at once make one account', async () => {
    const account = await googleAccount();
    const flows = await Promise.all(
      [pkce(), pkce()].map(async (app) => {
        const r = await authorize('google', { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: account.sub });
        return { app, cb: await atProvider(r.body.authUrl) };
      }),
    );
    const landings = await Promise.all(flows.map(async (f) => ({ app: f.app, landing: appLanding(await callback(f.cb)) })));
    const users = await Promise.all(
      landings.map(async (l) => (await exchange(codeOf(l.landing), l.app.verifier, { client: 'mobile' })).body.user),
    );
    expect(users[0].id).toBe(users[1].id);
    expect(users[0].providers).toEqual(['google']);
  });

  it('a new unverified provider email makes an unverified account', async () => {
    const account = await googleAccount({ email_verified: false });
    const { landing, app } = await signInVia('google', { login_hint: account.sub });
    const ex = await exchange(codeOf(landing), app.verifier, { client: 'mobile' });
    expect(ex.body.user).toMatchObject({ email: account.email, emailVerified: false, providers: ['google'] });
  });

  it('with sign-ups disabled a new provider account gets ?error=, a linked one still signs in', async () => {
    const known = await googleAccount();
    await signInVia('google', { login_hint: known.sub });
    await setAuthConfig({ disable_signup: true });
    try {
      const fresh = await googleAccount();
      const refused = await signInVia('google', { login_hint: fresh.sub });
      expect(refused.landing.searchParams.get('error')).toBe('User signups are disabled for this project.');
      const ok = await signInVia('google', { login_hint: known.sub });
      expect(ok.landing.searchParams.get('insforge_code')).toMatch(HEX64);
    } finally {
      await setAuthConfig({ disable_signup: false });
    }
  });
});

describe('two identity replicas', () => {
  beforeAll(async () => {
    const { alive, pidOf, start } = await import('../harness/stack.js');
    if (!alive(pidOf('identity2'))) await start('identity2');
  });
  afterAll(async () => {
    const { stop } = await import('../harness/stack.js');
    await stop('identity2');
  });

  it('authorize on one, callback on the other, exchange on either', async () => {
    const one = `http://127.0.0.1:${PORTS.identity}`;
    const two = `http://127.0.0.1:${PORTS.identity2}`;
    for (const [exchangeOn, client] of [
      [one, 'mobile'],
      [two, 'web'],
    ] as const) {
      const app = pkce();
      const account = await googleAccount();
      const r = await authorize(
        'google',
        { redirect_uri: APP_REDIRECT, code_challenge: app.challenge, login_hint: account.sub },
        { base: one },
      );
      expect(r.status).toBe(200);
      const landing = appLanding(await callback(await atProvider(r.body.authUrl), { base: two }));
      const ex = await exchange(codeOf(landing), app.verifier, { base: exchangeOn, client });
      expect(ex.status).toBe(200);
      expect(ex.body.user.email).toBe(account.email);
      const replay = await exchange(codeOf(landing), app.verifier, { base: exchangeOn === one ? two : one });
      expect(replay.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid or expired code'));
    }
  });
});

it('a user token is no credential here: the flow needs none and ignores one', async () => {
  const a = await signUp();
  const r = await request(
    'GET',
    `${BASE_URL}/api/auth/oauth/google?redirect_uri=${encodeURIComponent(APP_REDIRECT)}&code_challenge=${pkce().challenge}`,
    {
      headers: bearer(a.accessToken),
      ip: randomIp(),
    },
  );
  expect(r.status).toBe(200);
});
