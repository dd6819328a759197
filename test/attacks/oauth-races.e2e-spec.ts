import { E2E_API_KEY } from '../harness/env.js';
import { call } from '../harness/http.js';
import { current } from '../identity/helpers.js';
import { exchange, googleAccount, signInVia, startProviders } from '../oauth/oauth-helpers.js';

/**
 * Hostile review: an `insforge_code` lives five minutes after the callback. What an admin does to
 * the account in that window must win: a ban or a deletion between the callback and the exchange
 * leaves the code worth nothing, and two exchanges of one code make at most one session.
 */
const apiKey = { 'x-api-key': E2E_API_KEY };

beforeAll(async () => {
  await startProviders();
});

async function pendingCode(sub: string): Promise<{ code: string; verifier: string }> {
  const { landing, app } = await signInVia('google', { login_hint: sub });
  const code = landing.searchParams.get('insforge_code');
  if (!code) throw new Error(`no code: ${landing.href}`);
  return { code, verifier: app.verifier };
}

async function accountOf(sub: string): Promise<string> {
  const first = await pendingCode(sub);
  const r = await exchange(first.code, first.verifier, { client: 'mobile' });
  expect(r.status).toBe(200);
  return (r.body as { user: { id: string } }).user.id;
}

describe('the exchange window', () => {
  it('a ban between callback and exchange: the exchange is refused and makes no session', async () => {
    const g = await googleAccount();
    const userId = await accountOf(g.sub);
    const pending = await pendingCode(g.sub);
    expect((await call('POST', `/api/auth/users/${userId}/ban`, { headers: apiKey })).status).toBe(200);
    const r = await exchange(pending.code, pending.verifier, { client: 'mobile' });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'AUTH_USER_BANNED' });
    // Unbanned, the spent code stays spent.
    expect((await call('POST', `/api/auth/users/${userId}/unban`, { headers: apiKey })).status).toBe(200);
    expect((await exchange(pending.code, pending.verifier, { client: 'mobile' })).status).toBe(400);
  });

  it('a deletion between callback and exchange: the exchange is refused and makes no session', async () => {
    const g = await googleAccount();
    const userId = await accountOf(g.sub);
    const pending = await pendingCode(g.sub);
    const del = await call('DELETE', '/api/auth/users', { body: { userIds: [userId] }, headers: apiKey });
    expect(del.body).toMatchObject({ deletedCount: 1 });
    const r = await exchange(pending.code, pending.verifier, { client: 'mobile' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body).not.toHaveProperty('accessToken');
  });

  it('two exchanges of one code at once: exactly one session', async () => {
    const g = await googleAccount();
    const pending = await pendingCode(g.sub);
    const both = await Promise.all([1, 2, 3].map(() => exchange(pending.code, pending.verifier, { client: 'mobile' })));
    const won = both.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(both.filter((r) => r.status === 400)).toHaveLength(2);
    expect((await current((won[0]!.body as { accessToken: string }).accessToken)).status).toBe(200);
  });

  it('a wrong verifier spends the code: the right one afterwards gets nothing', async () => {
    const g = await googleAccount();
    const pending = await pendingCode(g.sub);
    expect((await exchange(pending.code, 'x'.repeat(43), { client: 'mobile' })).status).toBe(400);
    expect((await exchange(pending.code, pending.verifier, { client: 'mobile' })).status).toBe(400);
  });
});
