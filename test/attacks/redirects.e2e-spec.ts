import { DEFAULT_AUTH_CONFIG, setAuthConfig } from '../harness/db.js';
import { current } from '../identity/helpers.js';
import { appLanding, atProvider, authorize, callback, exchange, googleAccount, pkce, startProviders } from '../oauth/oauth-helpers.js';

/**
 * Hostile review: the redirect allow-list is what keeps an `insforge_code` (and every emailed link)
 * inside the app. An attacker who can make our callback send a victim's code to a host of theirs
 * starts the flow with their own PKCE challenge, sends the victim the provider link, and exchanges
 * the code that reaches them: the victim's account. Every URL below must be refused at authorize
 * time (400, before any provider is involved).
 */
const ALLOWED = ['https://*.example.test/**', 'https://app.example.test/cb'];

beforeAll(async () => {
  await startProviders();
  await setAuthConfig({ allowed_redirect_urls: ALLOWED });
});
afterAll(() => setAuthConfig({ allowed_redirect_urls: DEFAULT_AUTH_CONFIG.allowed_redirect_urls ?? [] }));

const hostile = [
  // a glob's host wildcard reaching into the query: the host is evil.test
  'https://evil.test?.example.test/',
  'https://evil.test/?.example.test/',
  'https://evil.test?x=.example.test/a',
  'https://evil.test#.example.test/',
  // userinfo, backslashes, encoded slashes and dots, scheme-relative and other schemes
  'https://a.example.test@evil.test/',
  'https://evil.test\\.example.test/',
  'https://evil.test%2f.example.test/',
  'https://evil.test%2F@a.example.test/',
  '//a.example.test/cb',
  '/\\evil.test/cb',
  'http://a.example.test/cb',
  'javascript:alert(1)//a.example.test/',
  'data:text/html,a.example.test',
  'https://a.example.test.evil.test/',
  'https://a.example.test:8443/cb',
];

describe('the redirect allow-list under attack (OAuth authorize)', () => {
  it.each(hostile)('refuses %s', async (uri) => {
    const r = await authorize('google', { redirect_uri: uri, code_challenge: pkce().challenge });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'INVALID_INPUT', statusCode: 400 });
  });

  it('still admits what the list names (a subdomain under the glob, the exact URL)', async () => {
    for (const uri of ['https://a.example.test/x/y?next=1', 'https://app.example.test/cb']) {
      const r = await authorize('google', { redirect_uri: uri, code_challenge: pkce().challenge });
      expect(r.status).toBe(200);
    }
  });

  it("a victim's code never lands on the attacker's host: the whole takeover chain stops at the first step", async () => {
    const attacker = pkce();
    const victim = await googleAccount({ name: 'Victim' });
    const begun = await authorize('google', {
      redirect_uri: 'https://evil.test?.example.test/',
      code_challenge: attacker.challenge,
      login_hint: victim.sub,
    });
    expect(begun.status).toBe(400);
    // Had it been admitted, this is what the attacker would do next; prove the chain is real on the
    // allowed host, so the refusal above is what stands between them and the account.
    const ok = await authorize('google', {
      redirect_uri: 'https://a.example.test/cb',
      code_challenge: attacker.challenge,
      login_hint: victim.sub,
    });
    const landing = appLanding(await callback(await atProvider(ok.body.authUrl)));
    expect(landing.host).toBe('a.example.test');
    const session = await exchange(landing.searchParams.get('insforge_code')!, attacker.verifier, { client: 'mobile' });
    expect(session.status).toBe(200);
    expect((await current((session.body as { accessToken: string }).accessToken)).status).toBe(200);
  });
});
