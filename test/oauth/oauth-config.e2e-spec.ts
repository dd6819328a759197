import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_REQUIRED, adminSignIn, apiKeyHeaders, NO_ADMIN_TOKEN } from '../admin/helpers.js';
import { sql } from '../harness/db.js';
import { ANON_KEY, DATA } from '../harness/env.js';
import { call, randomIp } from '../harness/http.js';
import { bearer, insforgeError, INVALID_TOKEN, ISO_DATE, signUp, UUID } from '../identity/helpers.js';

/** Distinctive so that any leak (an answer, a row, a log line) is found by a plain search. */
const SECRET = `oauth-secret-${process.pid}-c0ffee`;
const CUSTOM_SECRET = `custom-secret-${process.pid}-beef`;

const clean = () => sql('DELETE FROM identity.oauth_configs; DELETE FROM identity.custom_oauth_configs');
const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = apiKeyHeaders()) =>
  call(method, path, { body, headers, ip: randomIp() });

/** Every admin operation of this area, with a valid body where it takes one. */
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/auth/oauth/configs'],
  ['POST', '/api/auth/oauth/configs', { provider: 'github', clientId: 'x' }],
  ['GET', '/api/auth/oauth/github/config'],
  ['PUT', '/api/auth/oauth/github/config', { clientId: 'y' }],
  ['DELETE', '/api/auth/oauth/github/config'],
  ['GET', '/api/auth/oauth/custom/configs'],
  [
    'POST',
    '/api/auth/oauth/custom/configs',
    { key: 'k', name: 'K', discoveryEndpoint: 'https://k.test', clientId: 'c', clientSecret: 's' },
  ],
  ['GET', '/api/auth/oauth/custom/k/config'],
  ['PUT', '/api/auth/oauth/custom/k/config', { name: 'K2' }],
  ['DELETE', '/api/auth/oauth/custom/k/config'],
];

const publicConfig = async () => (await call('GET', '/api/auth/public-config')).body;

describe('OAuth provider configuration (admin API)', () => {
  beforeAll(clean);
  afterAll(clean);

  it('every route refuses no credential (401), the anon key (401) and a user token (403), and changes nothing', async () => {
    const user = await signUp();
    for (const [method, path, body] of ROUTES) {
      expect([method, path, (await admin(method, path, body, {})).body]).toEqual([method, path, NO_ADMIN_TOKEN]);
      expect([method, path, (await admin(method, path, body, bearer(ANON_KEY))).body]).toEqual([method, path, INVALID_TOKEN]);
      expect([method, path, (await admin(method, path, body, bearer(user.accessToken))).body]).toEqual([method, path, ADMIN_REQUIRED]);
    }
    expect(await sql('SELECT 1 FROM identity.oauth_configs UNION ALL SELECT 1 FROM identity.custom_oauth_configs')).toEqual([]);
  });

  it('creates, reads, updates and deletes a provider; the secret is sealed and never answered', async () => {
    const created = await admin('POST', '/api/auth/oauth/configs', {
      provider: 'linkedin',
      clientId: ' google-client ',
      clientSecret: SECRET,
      nativeClientIds: ['ios-app', ' ios-app ', 'android-app', ''],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      provider: 'linkedin',
      clientId: 'google-client',
      hasClientSecret: true,
      nativeClientIds: ['ios-app', 'android-app'],
      redirectUri: null,
      scopes: ['openid', 'profile', 'email'],
      useSharedKey: false,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });

    const [row] = await sql<{ client_secret: unknown }>(`SELECT client_secret FROM identity.oauth_configs WHERE provider = 'linkedin'`);
    expect(JSON.stringify(row.client_secret)).not.toContain(SECRET);
    expect(row.client_secret).toEqual({ enc: 'A256GCM', iv: expect.any(String), ct: expect.any(String), tag: expect.any(String) });

    const one = await admin('GET', '/api/auth/oauth/linkedin/config');
    expect(one.body).toEqual(created.body);
    const list = await admin('GET', '/api/auth/oauth/configs');
    expect(list.body).toEqual({ data: [created.body], count: 1 });
    for (const r of [created, one, list]) expect(r.text).not.toContain(SECRET);
    // listed with the providers of the stack's OAUTH_CLIENTS, in InsForge's order
    expect(await publicConfig()).toEqual(
      expect.objectContaining({ oAuthProviders: ['google', 'github', 'linkedin'], customOAuthProviders: [] }),
    );

    const updated = await admin('PUT', '/api/auth/oauth/linkedin/config', { scopes: ['openid', 'email'], clientSecret: `${SECRET}-2` });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...created.body, scopes: ['openid', 'email'], updatedAt: expect.stringMatching(ISO_DATE) });
    expect(updated.text).not.toContain(SECRET);

    // An empty secret removes it (the flows then treat the provider as not usable).
    expect((await admin('PUT', '/api/auth/oauth/linkedin/config', { clientSecret: '' })).body.hasClientSecret).toBe(false);

    const deleted = await admin('DELETE', '/api/auth/oauth/linkedin/config');
    expect(deleted.body).toEqual({ success: true, message: 'OAuth configuration for linkedin deleted successfully' });
    expect(await admin('DELETE', '/api/auth/oauth/linkedin/config')).toMatchObject({
      status: 404,
      body: insforgeError(404, 'AUTH_OAUTH_CONFIG_NOT_FOUND', 'OAuth configuration for linkedin not found'),
    });
    expect((await publicConfig()).oAuthProviders).toEqual(['google', 'github']);
  });

  it('an admin session works like the API key, and each change is audited with field names only', async () => {
    const session = await adminSignIn();
    const r = await admin(
      'POST',
      '/api/auth/oauth/configs',
      { provider: 'discord', clientId: 'd', clientSecret: SECRET },
      bearer(session.accessToken),
    );
    expect(r.status).toBe(200);
    await admin('PUT', '/api/auth/oauth/discord/config', { clientId: 'd2' });
    const events = await sql<{ actor_type: string; actor_id: string; target_id: string; details: Record<string, unknown> }>(
      `SELECT actor_type, actor_id, target_id, details FROM identity.audit_events
        WHERE type = 'oauth_config.updated' AND target_id = 'discord' ORDER BY occurred_at DESC, id DESC LIMIT 2`,
    );
    expect(events.map((e) => [e.actor_type, e.details])).toEqual([
      ['api_key', { action: 'updated', kind: 'provider', fields: ['clientId'] }],
      ['admin', { action: 'created', kind: 'provider', fields: expect.arrayContaining(['provider', 'clientId', 'clientSecret']) }],
    ]);
    expect(events[1].actor_id).toBe(session.sub);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    await admin('DELETE', '/api/auth/oauth/discord/config');
  });

  it('refuses duplicates, shared keys, unknown providers and bad input in InsForge shapes', async () => {
    expect((await admin('POST', '/api/auth/oauth/configs', { provider: 'github' })).status).toBe(200);
    expect((await admin('POST', '/api/auth/oauth/configs', { provider: 'github' })).body).toEqual(
      insforgeError(409, 'AUTH_OAUTH_CONFIG_ALREADY_EXISTS', 'OAuth configuration for github already exists'),
    );
    const shared = insforgeError(400, 'AUTH_OAUTH_CONFIG_ERROR', 'Shared OAuth keys are not enabled in this environment');
    expect((await admin('POST', '/api/auth/oauth/configs', { provider: 'x', useSharedKey: true })).body).toEqual(shared);
    expect((await admin('PUT', '/api/auth/oauth/github/config', { useSharedKey: true })).body).toEqual(shared);

    const unknown = await admin('POST', '/api/auth/oauth/configs', { provider: 'myspace' });
    expect(unknown.body).toMatchObject({
      statusCode: 400,
      error: 'INVALID_INPUT',
      message: expect.stringMatching(/^provider: Invalid enum value/),
    });
    expect((await admin('GET', '/api/auth/oauth/myspace/config')).body).toEqual(
      insforgeError(404, 'AUTH_OAUTH_CONFIG_NOT_FOUND', 'OAuth configuration for myspace not found'),
    );
    expect((await admin('PUT', '/api/auth/oauth/myspace/config', { clientId: 'a' })).status).toBe(404);
    expect((await admin('GET', `/api/auth/oauth/${'a'.repeat(60)}/config`)).body).toEqual(
      insforgeError(400, 'INVALID_INPUT', 'Invalid provider name'),
    );

    const bad: [unknown, RegExp][] = [
      [{ nativeClientIds: Array.from({ length: 21 }, (_, i) => `id${i}`) }, /^nativeClientIds: At most 20/],
      [{ nativeClientIds: 'ios' }, /^nativeClientIds: /],
      [{ nativeClientIds: ['x'.repeat(256)] }, /^nativeClientIds: /],
      [{ scopes: ['has space'] }, /^scopes: /],
      [{ clientId: 42 }, /^clientId: Expected string/],
      [{ clientId: 'a\u0000b' }, /clientId/],
      [{ clientSecret: 'x'.repeat(9000) }, /^clientSecret: /],
      [{ redirectUri: 'javascript:alert(1)' }, /^redirectUri: /],
    ];
    for (const [body, message] of bad) {
      const r = await admin('PUT', '/api/auth/oauth/github/config', body);
      expect([body, r.status, r.body.error]).toEqual([body, 400, 'INVALID_INPUT']);
      expect(r.body.message).toMatch(message);
    }
    expect((await admin('GET', '/api/auth/oauth/github/config')).body).toMatchObject({ clientId: null, useSharedKey: false });
    await admin('DELETE', '/api/auth/oauth/github/config');
  });

  it('custom OIDC providers: create, read, update, delete; keys validated; secret never answered', async () => {
    const input = {
      key: 'acme-id',
      name: 'Acme',
      discoveryEndpoint: 'https://id.acme.test/.well-known/openid-configuration',
      clientId: 'acme',
    };
    const created = await admin('POST', '/api/auth/oauth/custom/configs', { ...input, clientSecret: CUSTOM_SECRET });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      ...input,
      hasClientSecret: true,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect((await admin('POST', '/api/auth/oauth/custom/configs', { ...input, clientSecret: 'x' })).body).toEqual(
      insforgeError(409, 'AUTH_OAUTH_CONFIG_ALREADY_EXISTS', 'Custom OAuth config acme-id already exists'),
    );
    const one = await admin('GET', '/api/auth/oauth/custom/acme-id/config');
    const list = await admin('GET', '/api/auth/oauth/custom/configs');
    expect(one.body).toEqual(created.body);
    expect(list.body).toEqual({ data: [created.body], count: 1 });
    for (const r of [created, one, list]) expect(r.text).not.toContain(CUSTOM_SECRET);
    expect(await publicConfig()).toEqual(expect.objectContaining({ customOAuthProviders: ['acme-id'] }));

    const updated = await admin('PUT', '/api/auth/oauth/custom/acme-id/config', { name: 'Acme Corp', clientSecret: `${CUSTOM_SECRET}-2` });
    expect(updated.body).toMatchObject({ name: 'Acme Corp', clientId: 'acme', hasClientSecret: true });
    expect(updated.text).not.toContain(CUSTOM_SECRET);

    for (const key of ['Acme', 'a b', 'x'.repeat(65), 'configs', '']) {
      const r = await admin('POST', '/api/auth/oauth/custom/configs', { ...input, key, clientSecret: 's' });
      expect([key, r.status, r.body.error]).toEqual([key, 400, 'INVALID_INPUT']);
    }
    for (const body of [
      { ...input, key: 'k2' },
      { ...input, key: 'k3', clientSecret: '' },
      { ...input, key: 'k4', clientSecret: 's', discoveryEndpoint: 'file:///etc/passwd' },
    ]) {
      expect((await admin('POST', '/api/auth/oauth/custom/configs', body)).status).toBe(400);
    }
    const badKey = insforgeError(400, 'INVALID_INPUT', 'Invalid custom OAuth key');
    expect((await admin('GET', '/api/auth/oauth/custom/ACME/config')).body).toEqual(badKey);
    expect((await admin('PUT', '/api/auth/oauth/custom/a%20b/config', { name: 'n' })).body).toEqual(badKey);
    expect((await admin('DELETE', '/api/auth/oauth/custom/%E2%9C%93/config')).body).toEqual(badKey);
    expect((await admin('GET', '/api/auth/oauth/custom/nobody/config')).body).toEqual(
      insforgeError(404, 'AUTH_OAUTH_CONFIG_NOT_FOUND', 'Custom OAuth configuration for nobody not found'),
    );

    expect((await admin('DELETE', '/api/auth/oauth/custom/acme-id/config')).body).toEqual({
      success: true,
      message: 'Custom OAuth configuration for acme-id deleted successfully',
    });
    expect((await publicConfig()).customOAuthProviders).toEqual([]);
  });

  it("no client secret ever reached identity's log", () => {
    const log = readFileSync(join(DATA, 'logs', 'identity.log'), 'utf8');
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(CUSTOM_SECRET);
  });
});
