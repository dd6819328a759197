import { getProfile, patchProfile, signUp } from './support.js';

/** `PATCH /profiles/current` writes the token's subject's profile, and nobody else's, whatever the body says. */
describe('profiles: the user of a PATCH is the token’s subject only', () => {
  it.each(['id', 'userId', 'user_id'])('a body naming another user in a top-level %s is refused and changes nobody', async (field) => {
    const [a, b] = await Promise.all([signUp('Victim A'), signUp('Writer B')]);
    const [beforeA, beforeB] = await Promise.all([getProfile(a.id), getProfile(b.id)]);
    const r = await patchProfile(b.accessToken, { [field]: a.id, profile: { name: 'pwned' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: 'INVALID_INPUT',
      message: `${field}: unknown field (the body is {"profile": {…}})`,
      statusCode: 400,
    });
    for (const [who, before] of [
      [a, beforeA],
      [b, beforeB],
    ] as const) {
      const after = await getProfile(who.id);
      expect(after.body).toEqual(before.body);
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    }
  });

  it('ids inside profile are just the writer’s own profile data: A is untouched', async () => {
    const [a, b] = await Promise.all([signUp('Victim A'), signUp('Writer B')]);
    const beforeA = await getProfile(a.id);
    const r = await patchProfile(b.accessToken, { profile: { id: a.id, userId: a.id, user_id: a.id, name: 'B again' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: b.id, profile: { id: a.id, userId: a.id, user_id: a.id, name: 'B again' } });
    const afterA = await getProfile(a.id);
    expect(afterA.body).toEqual({ id: a.id, profile: { name: 'Victim A' } });
    expect(afterA.headers.get('etag')).toBe(beforeA.headers.get('etag'));
    expect((await getProfile(b.id)).body).toEqual(r.body);
  });
});
