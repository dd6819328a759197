import { IDENTITY2_URL, MANAGEMENT_URL } from '../harness/env.js';
import { call } from '../harness/http.js';
import { answers, start, stop } from '../harness/stack.js';
import { bearer, signUp } from './helpers.js';

/**
 * The second identity replica of the harness (`identity2`): same database, Redis and secrets as
 * the first, on ports of its own. Other suites start it to prove state shared across replicas.
 */
describe('a second identity replica', () => {
  beforeAll(() => start('identity2'), 120_000);
  afterAll(() => stop('identity2'));

  it('answers on its own ports and shares sessions and signing keys with the first', async () => {
    expect(await answers(`${MANAGEMENT_URL.identity2}/health/ready`)).toBe(true);
    const account = await signUp({ client: 'mobile' });
    // A token signed by the replica behind the edge is honoured by the second...
    const there = await call('GET', '/api/auth/sessions/current', { base: IDENTITY2_URL, headers: bearer(account.accessToken) });
    expect(there.status).toBe(200);
    expect(there.body.user.id).toBe(account.userId);
    // ...and a session opened on the second is honoured through the edge.
    const onSecond = await call('POST', '/api/auth/sessions?client_type=mobile', {
      base: IDENTITY2_URL,
      body: { email: account.email, password: account.password },
      headers: { 'x-forwarded-for': account.ip },
    });
    expect(onSecond.status).toBe(200);
    const back = await call('GET', '/api/auth/sessions/current', { headers: bearer(onSecond.body.accessToken) });
    expect(back.status).toBe(200);
    expect(back.body.user.id).toBe(account.userId);
  });
});
