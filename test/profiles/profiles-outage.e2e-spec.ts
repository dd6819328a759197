import { getProfile, signUp, type Account, eventually } from './support.js';
import { start, stop } from '../harness/stack.js';

describe('profiles: nothing lost while the profiles app is down', () => {
  it('20 sign-ups while profiles is stopped all get their profiles once it is back', async () => {
    const accounts: Account[] = [];
    await stop('profiles');
    try {
      // In parallel: each sign-up waits (bounded, SIGNUP_PROFILE_WAIT_MS) for a profiles that is not there.
      accounts.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(`Offline ${i}`)))));
      // the premise: nobody was answering for profiles meanwhile
      const down = await getProfile(accounts[0]!.id);
      expect(down.status).toBe(503);
    } finally {
      await start('profiles');
    }
    for (const [i, a] of accounts.entries()) {
      const r = await eventually(
        () => getProfile(a.id),
        (x) => x.status === 200,
        `profile ${i + 1} of 20`,
      );
      expect(r.body).toEqual({ id: a.id, profile: { name: `Offline ${i}` } });
    }
  }, 180_000);
});
