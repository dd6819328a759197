/**
 * @jest-environment-options {"customExportConditions": ["node", "node-addons", "import"]}
 *
 * The users routes through `@insforge/sdk`'s admin client. The SDK offers no user-management
 * methods of its own, so this goes through the client's HTTP client, which sends the API key the
 * way every admin operation of the SDK does. As in profiles-sdk.e2e-spec.ts, the "import" condition
 * (the SDK's CommonJS build requires an ESM-only package) means this file imports nothing but the
 * SDK and the harness.
 */
import { randomBytes } from 'node:crypto';
import { createAdminClient } from '@insforge/sdk';
import { ANON_KEY, BASE_URL, E2E_API_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function signUp(name: string): Promise<{ id: string; email: string; accessToken: string }> {
  const email = randomEmail('users-admin-sdk');
  const r = await call('POST', '/api/auth/users?client_type=mobile', {
    body: { email, password: 'Users-admin-sdk passw0rd', name },
    headers: { authorization: `Bearer ${ANON_KEY}` },
    ip: randomIp(),
  });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return { id: r.body.user.id, email, accessToken: r.body.accessToken };
}

describe('@insforge/sdk createAdminClient({apiKey}) and the users routes', () => {
  it('lists, reads, bans, unbans and deletes; a user token in the key’s place is refused', async () => {
    const tag = randomBytes(4).toString('hex');
    const user = await signUp(`Sdk ${tag}`);
    const http = createAdminClient({ baseUrl: BASE_URL, apiKey: E2E_API_KEY }).getHttpClient();

    const page = await http.get('/api/auth/users', { params: { search: `SDK ${tag}` } });
    expect(page).toEqual({
      data: [expect.objectContaining({ id: user.id, email: user.email })],
      pagination: { offset: 0, limit: 10, total: 1 },
    });
    expect(await http.get(`/api/auth/users/${user.id}`)).toMatchObject({ id: user.id, profile: { name: `Sdk ${tag}` }, bannedAt: null });
    expect(await http.post(`/api/auth/users/${user.id}/ban`)).toMatchObject({ id: user.id, bannedAt: expect.stringMatching(ISO) });
    expect(await http.post(`/api/auth/users/${user.id}/unban`)).toMatchObject({ id: user.id, bannedAt: null });
    expect(await http.delete('/api/auth/users', { body: { userIds: [user.id] } })).toEqual({
      message: 'Users deleted successfully',
      deletedCount: 1,
    });
    await expect(http.get(`/api/auth/users/${user.id}`)).rejects.toMatchObject({ statusCode: 404, error: 'AUTH_USER_NOT_FOUND' });

    const other = await signUp('Not an admin');
    const asUser = createAdminClient({ baseUrl: BASE_URL, apiKey: other.accessToken }).getHttpClient();
    await expect(asUser.get('/api/auth/users')).rejects.toMatchObject({ statusCode: 403, error: 'AUTH_UNAUTHORIZED' });
  });
});
