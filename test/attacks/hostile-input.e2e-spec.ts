import { E2E_API_KEY } from '../harness/env.js';
import { call, type Reply, randomIp } from '../harness/http.js';
import { adminSignInRaw } from '../admin/helpers.js';

/**
 * Hostile review: strings PostgreSQL refuses (NUL, lone surrogates), oversize values, arrays and
 * objects where strings are expected, and prototype-pollution keys, sent as raw JSON to the admin
 * and OAuth routes that landed today. Each must be a 4xx in InsForge's error shape: never a 5xx,
 * never a stack trace.
 */
const apiKey = { 'x-api-key': E2E_API_KEY };
const NUL = '"a\\u0000b"';
const LONE = '"a\\ud800b"';
const HUGE = JSON.stringify('x'.repeat(200_000));
const VALUES = [NUL, LONE, HUGE, '["a","b"]', '{"toString":"x"}', 'null', '12', 'true'];
const PROTO = ['{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}'];

const raw = (method: string, path: string, rawBody: string, headers: Record<string, string> = {}) =>
  call(method, path, { rawBody, headers: { 'content-type': 'application/json', ...headers }, ip: randomIp() });

/** Never a 5xx or a stack trace; an error in InsForge's shape. */
function expectNo5xx(what: string, r: Reply): void {
  expect([what, r.status < 500, r.text.slice(0, 200)]).toEqual([what, true, r.text.slice(0, 200)]);
  expect([what, r.text]).not.toEqual([what, expect.stringMatching(/\bat .+\.(js|ts):\d+/)]);
  if (r.status >= 400 && r.status !== 404)
    expect([what, typeof r.body === 'object' && r.body !== null && 'error' in r.body]).toEqual([what, true]);
}

/** Refused: a 4xx in InsForge's shape. */
function expect4xx(what: string, r: Reply): void {
  expect([what, r.status >= 400 && r.status < 500, r.status, r.text.slice(0, 200)]).toEqual([what, true, r.status, r.text.slice(0, 200)]);
  expect([what, r.text]).not.toEqual([what, expect.stringMatching(/\bat .+\.(js|ts):\d+/)]);
  if (r.status !== 404) expect([what, typeof r.body === 'object' && r.body !== null && 'error' in r.body]).toEqual([what, true]);
}

/**
 * Bodies that put each hostile value in each field of a template, with whether they must be
 * refused: a `null` may be a field's documented "none", and pollution keys may be ignored, so those
 * two only must not be a 5xx.
 */
function bodies(fields: Record<string, string>): [string, boolean][] {
  const out: [string, boolean][] = PROTO.map((b) => [b, false]);
  for (const name of Object.keys(fields))
    for (const v of VALUES) out.push([`{${Object.entries(fields).map(([k, ok]) => `"${k}":${k === name ? v : ok}`)}}`, v !== 'null']);
  return out;
}
const check = (what: string, mustRefuse: boolean, r: Reply) => (mustRefuse ? expect4xx : expectNo5xx)(what, r);

describe('hostile bodies on the routes that landed today', () => {
  afterAll(() => call('DELETE', '/api/auth/oauth/linkedin/config', { headers: apiKey }));

  it('admin sign-in', async () => {
    for (const [b, refuse] of bodies({ username: '"admin"', password: '"x"' }))
      check(`admin sign-in ${b.slice(0, 60)}`, refuse, await adminSignInRaw(b));
  });

  it('OAuth exchange', async () => {
    for (const [b, refuse] of bodies({ code: `"${'a'.repeat(64)}"`, code_verifier: `"${'b'.repeat(43)}"` }))
      check(`exchange ${b.slice(0, 60)}`, refuse, await raw('POST', '/api/auth/oauth/exchange', b));
  });

  it('native ID-token sign-in', async () => {
    for (const [b, refuse] of bodies({ provider: '"google"', token: '"a.b.c"' }))
      check(`id-token ${b.slice(0, 60)}`, refuse, await raw('POST', '/api/auth/id-token', b));
  });

  it('user deletion and key rotation (with an API key)', async () => {
    for (const [b, refuse] of bodies({ userIds: '["00000000-0000-4000-8000-000000000000"]' }))
      check(`delete ${b.slice(0, 60)}`, refuse, await raw('DELETE', '/api/auth/users', b, apiKey));
    for (const b of [NUL, LONE, HUGE, '["1"]', '{"gracePeriodHours":{"valueOf":1}}', '{"gracePeriodHours":"1\\u0000"}'])
      expect4xx(
        `rotate ${b.slice(0, 60)}`,
        await raw('POST', '/api/secrets/anon-key/rotate', b.startsWith('{') ? b : `{"gracePeriodHours":${b}}`, apiKey),
      );
  });

  it('provider configuration (values that must not be stored)', async () => {
    for (const [b, refuse] of bodies({ provider: '"linkedin"', clientId: '"id"', clientSecret: '"s"' }))
      check(`config ${b.slice(0, 60)}`, refuse, await raw('POST', '/api/auth/oauth/configs', b, apiKey));
    for (const [b, refuse] of bodies({
      key: '"rt-key"',
      name: '"n"',
      discoveryEndpoint: '"https://idp.example.test/.well-known/openid-configuration"',
      clientId: '"c"',
      clientSecret: '"s"',
    }))
      check(`custom ${b.slice(0, 60)}`, refuse, await raw('POST', '/api/auth/oauth/custom/configs', b, apiKey));
    // Nothing hostile was stored (a null clientId is a configuration without one: removed again).
    const list = await call('GET', '/api/auth/oauth/configs', { headers: apiKey });
    expect(list.text).not.toContain('rt-key');
    expect(list.text).not.toMatch(/\\u0000|xxxxxxxxxx/);
  });
});

describe('hostile query strings and paths', () => {
  it('users search, page and id', async () => {
    for (const q of ['search=%00', 'search=%ED%A0%80', `search=${'a'.repeat(5000)}`])
      expect4xx(`users ?${q}`, await call('GET', `/api/auth/users?${q}`, { headers: apiKey }));
    // InsForge reads limit and offset leniently; arrays and pollution keys must still be no 5xx.
    for (const q of ['limit=1e309', 'offset=-1e309', 'limit=%00', 'search[]=a', 'search[__proto__]=a', '__proto__=1', 'limit=1&limit=2'])
      expectNo5xx(`users ?${q}`, await call('GET', `/api/auth/users?${q}`, { headers: apiKey }));
    for (const id of ['%00', '%ED%A0%80', '00000000-0000-4000-8000-00000000000%00', '__proto__', 'constructor'])
      expect4xx(`user ${id}`, await call('GET', `/api/auth/users/${id}`, { headers: apiKey }));
  });

  it('encoded dot segments in a path parameter reach no other route (the edge resolves them, the app sees the raw path)', async () => {
    // nginx decodes %2F before it resolves '..' and picks a location; the app behind it gets the raw
    // path. Each would answer 200 to this API key at its resolved path: here it is refused.
    for (const path of [
      '/api/auth/users/..%2F..%2Fauth%2Fconfig',
      '/api/auth/profiles/..%2Fusers',
      '/api/auth/profiles/..%2F..%2F..%2Fv1%2Fsessions',
      '/v1/..%2Fapi%2Fauth%2Fusers',
      '/api/auth/email-templates/..%2F..%2Fauth%2Fsmtp-config',
      '/api/auth/oauth/google%2F..%2F..%2Fusers/config',
      '/api/auth/users/%2e%2e%2fconfig',
    ]) {
      const r = await call('GET', path, { headers: apiKey, ip: randomIp() });
      // 404, or 400 from the route the raw path names (users/:userId refuses '../../auth/config')
      expect([path, [400, 404].includes(r.status)]).toEqual([path, true]);
      expectNo5xx(path, r);
    }
  });

  it('extra authorize parameters never replace ours (state, redirect_uri, code_challenge, nonce, client_id)', async () => {
    const ours = 'c'.repeat(43);
    const q = new URLSearchParams({ redirect_uri: 'http://app.example.test/', code_challenge: ours });
    for (const k of ['state', 'nonce', 'client_id', 'code_challenge_method', 'response_type', 'scope']) q.append(k, 'attacker');
    const r = await call('GET', `/api/auth/oauth/google?${q}`);
    expect(r.status).toBe(200);
    {
      const url = new URL((r.body as { authUrl: string }).authUrl);
      for (const k of ['state', 'nonce', 'client_id', 'code_challenge_method', 'response_type', 'redirect_uri', 'code_challenge'])
        expect([k, url.searchParams.getAll(k).length, url.searchParams.get(k) === 'attacker']).toEqual([k, 1, false]);
      expect(url.searchParams.get('redirect_uri')).toMatch(/\/api\/auth\/oauth\/google\/callback$/);
      expect(url.searchParams.get('code_challenge')).not.toBe(ours);
    }
  });

  it('OAuth authorize and callbacks', async () => {
    const challenge = 'c'.repeat(43);
    for (const q of [
      `redirect_uri=http://app.example.test/%00&code_challenge=${challenge}`,
      `redirect_uri=http://app.example.test/%ED%A0%80&code_challenge=${challenge}`,
      `redirect_uri=http://app.example.test/&code_challenge=${challenge}&prompt=%00`,
      `redirect_uri[]=a&code_challenge=${challenge}`,
    ])
      expect4xx(`authorize ?${q}`, await call('GET', `/api/auth/oauth/google?${q}`));
    for (const q of ['__proto__=x', 'constructor=x', 'state=ours', 'redirect_uri=x&redirect_uri=y'])
      expectNo5xx(
        `authorize +${q}`,
        await call('GET', `/api/auth/oauth/google?redirect_uri=http://app.example.test/&code_challenge=${challenge}&${q}`),
      );
    for (const q of [
      'state=%00',
      'state=%ED%A0%80',
      `state=${'a'.repeat(5000)}`,
      'state=a&state=b',
      'state[__proto__]=x',
      'code=%00&state=x.y.z',
    ])
      for (const p of ['google', 'github', 'custom/rt-key'])
        expect4xx(`callback ${p} ?${q}`, await call('GET', `/api/auth/oauth/${p}/callback?${q}`));
    for (const b of ['state=%00&code=a', 'state=a&state=b', 'user=%7B%22__proto__%22%3A1%7D&state=x'])
      expect4xx(
        `apple form ${b}`,
        await call('POST', '/api/auth/oauth/apple/callback', {
          rawBody: b,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
  });
});
