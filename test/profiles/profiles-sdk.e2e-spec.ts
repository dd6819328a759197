/**
 * @jest-environment-options {"customExportConditions": ["node", "node-addons", "import"]}
 *
 * The SDK's CommonJS build requires @insforge/shared-schemas, which only exports an "import"
 * condition; Jest (TS compiled to CommonJS here) resolves with require conditions, so this file adds
 * "import" (Node 24 loads the ES module through require). That condition would also pick ES builds
 * of other packages (pg, for one, breaks), so this file imports nothing but the SDK and the harness.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@insforge/sdk';
import { ANON_KEY, BASE_URL } from '../harness/env.js';
import { randomIp } from '../harness/http.js';
import { waitFor } from '../harness/stack.js';

describe('profiles: the real @insforge/sdk', () => {
  it('getProfile and setProfile work', async () => {
    const headers = { 'x-forwarded-for': randomIp() };
    const anon = createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, isServerMode: true, headers });
    const email = `sdk+${randomUUID().slice(0, 8)}@example.com`;
    const signUpResult = await anon.auth.signUp({ email, password: 'Sdk-Passw0rd-123', name: 'Sdk User' });
    expect(signUpResult.error).toBeNull();
    const { user, accessToken } = signUpResult.data as { user: { id: string }; accessToken: string };

    let fetched = await anon.auth.getProfile(user.id);
    await waitFor(async () => (fetched = await anon.auth.getProfile(user.id)).error === null, 30_000, 'the SDK to read the new profile');
    expect(fetched.data).toEqual({ id: user.id, profile: { name: 'Sdk User' } });

    const authed = createClient({ baseUrl: BASE_URL, anonKey: ANON_KEY, accessToken, isServerMode: true, headers });
    const set = await authed.auth.setProfile({ bio: 'hi from the sdk', avatar_url: 'https://cdn.example.com/sdk.png' });
    expect(set.error).toBeNull();
    expect(set.data).toEqual({
      id: user.id,
      profile: { name: 'Sdk User', bio: 'hi from the sdk', avatar_url: 'https://cdn.example.com/sdk.png' },
    });
    expect((await anon.auth.getProfile(user.id)).data).toEqual(set.data);

    const bad = await authed.auth.setProfile({ avatar_url: 'javascript:alert(1)' });
    expect(bad.data).toBeNull();
    expect(bad.error).toMatchObject({ statusCode: 400, error: 'INVALID_INPUT', message: 'profile.avatar_url: must be an http(s) URL' });

    const missing = await anon.auth.getProfile(randomUUID());
    expect(missing.error).toMatchObject({ statusCode: 404, error: 'AUTH_USER_NOT_FOUND', message: 'User not found' });
  });
});
