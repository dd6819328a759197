import { randomUUID } from 'node:crypto';
import type { CreateCustomOAuthConfigRequest, CreateOAuthConfigRequest, OAuthProvider, UpdateOAuthConfigRequest } from '@app/contracts';
import type { AuditEvent } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { IdentityConfig } from '../config/identity.config.js';
import { OAuthConfigsAdmin, type Who } from './oauth-configs.admin.js';
import type {
  CustomOAuthConfigPatch,
  CustomOAuthConfigRow,
  OAuthConfigPatch,
  OAuthConfigRow,
  OAuthConfigsRepository,
} from './oauth-configs.repository.js';
import { OAuthProviderConfigs } from './oauth-configs.service.js';

/** The repository's contract over two maps (no I/O). */
class MemoryRepo {
  sql = { transaction: <T>(fn: (q: unknown) => Promise<T>) => fn({}) };
  rows = new Map<string, OAuthConfigRow>();
  custom = new Map<string, CustomOAuthConfigRow>();
  list = async () => [...this.rows.values()];
  find = async (p: OAuthProvider) => this.rows.get(p) ?? null;
  insert = async (r: Omit<OAuthConfigRow, 'id' | 'createdAt' | 'updatedAt'>) => {
    if (this.rows.has(r.provider)) return null;
    const row = { ...r, id: randomUUID(), createdAt: new Date(), updatedAt: new Date() };
    this.rows.set(r.provider, row);
    return row;
  };
  update = async (p: OAuthProvider, patch: OAuthConfigPatch) => {
    const row = this.rows.get(p);
    if (!row) return null;
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (row as unknown as Record<string, unknown>)[k] = v;
    return row;
  };
  remove = async (p: OAuthProvider) => this.rows.delete(p);
  listCustom = async () => [...this.custom.values()];
  findCustom = async (k: string) => this.custom.get(k) ?? null;
  insertCustom = async (r: Omit<CustomOAuthConfigRow, 'id' | 'createdAt' | 'updatedAt'>) => {
    if (this.custom.has(r.key)) return null;
    const row = { ...r, id: randomUUID(), createdAt: new Date(), updatedAt: new Date() };
    this.custom.set(r.key, row);
    return row;
  };
  updateCustom = async (k: string, patch: CustomOAuthConfigPatch) => {
    const row = this.custom.get(k);
    if (!row) return null;
    for (const [f, v] of Object.entries(patch)) if (v !== undefined) (row as unknown as Record<string, unknown>)[f] = v;
    return row;
  };
  removeCustom = async (k: string) => this.custom.delete(k);
  names = async () => ({ providers: [...this.rows.keys()] as OAuthProvider[], customKeys: [...this.custom.keys()] });
}

describe('OAuth provider configurations', () => {
  const setup = (secret = 's'.repeat(32)) => {
    const repo = new MemoryRepo();
    const configs = new OAuthProviderConfigs(repo as unknown as OAuthConfigsRepository, { AUTH_HMAC_SECRET: secret } as IdentityConfig);
    const events: AuditEvent[] = [];
    const audit = { record: async (_q: unknown, e: AuditEvent) => void events.push(e) } as unknown as AuditLog;
    const real = new OAuthConfigsAdmin(repo as unknown as OAuthConfigsRepository, configs, audit, {
      OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK: false,
    } as IdentityConfig);
    const who: Who = { actor: { type: 'api_key', id: 'k1' }, meta: null };
    // The admin API with the caller bound, so the cases read like requests.
    const admin = {
      list: () => real.list(),
      get: (p: string) => real.get(p),
      create: (i: CreateOAuthConfigRequest) => real.create(i, who),
      update: (p: string, i: UpdateOAuthConfigRequest) => real.update(p, i, who),
      remove: (p: string) => real.remove(p, who),
      getCustom: (k: string) => real.getCustom(k),
      createCustom: (i: CreateCustomOAuthConfigRequest) => real.createCustom(i, who),
      removeCustom: (k: string) => real.removeCustom(k, who),
    };
    return { repo, configs, admin, events };
  };

  it('stores the client secret sealed, hands it opened to the flows, and never in an admin answer', async () => {
    const { repo, configs, admin } = setup();
    const created = await admin.create({ provider: 'google', clientId: 'cid', clientSecret: 'top-secret', nativeClientIds: ['ios'] });
    expect(JSON.stringify(created)).not.toContain('top-secret');
    expect(created).toMatchObject({ provider: 'google', clientId: 'cid', hasClientSecret: true, scopes: ['openid', 'email', 'profile'] });
    expect(JSON.stringify([...repo.rows.values()])).not.toContain('top-secret');
    expect(JSON.stringify(await admin.list())).not.toContain('top-secret');
    expect(JSON.stringify(await admin.get('google'))).not.toContain('top-secret');
    expect(await configs.get('google')).toMatchObject({ clientId: 'cid', clientSecret: 'top-secret', nativeClientIds: ['ios'] });
    expect(await configs.configured()).toEqual({ oAuthProviders: ['google'], customOAuthProviders: [] });
  });

  it('records each change with field names only, never a value', async () => {
    const { admin, events } = setup();
    await admin.create({ provider: 'google', clientId: 'cid', clientSecret: 'top-secret' });
    await admin.update('google', { clientSecret: 'next-secret' });
    await admin.remove('google');
    expect(events.map((e) => [e.type, e.targetId, e.details])).toEqual([
      ['oauth_config.updated', 'google', { action: 'created', kind: 'provider', fields: ['provider', 'clientId', 'clientSecret'] }],
      ['oauth_config.updated', 'google', { action: 'updated', kind: 'provider', fields: ['clientSecret'] }],
      ['oauth_config.updated', 'google', { action: 'deleted', kind: 'provider' }],
    ]);
    expect(JSON.stringify(events)).not.toMatch(/secret"/);
    expect(events[0].actor).toEqual({ type: 'api_key', id: 'k1' });
  });

  it('a sealed secret copied onto another provider does not open there', async () => {
    const { repo, configs, admin } = setup();
    await admin.create({ provider: 'google', clientId: 'g', clientSecret: 'google-secret' });
    await admin.create({ provider: 'github', clientId: 'h' });
    repo.rows.get('github')!.clientSecret = repo.rows.get('google')!.clientSecret;
    expect((await configs.get('github'))!.clientSecret).toBeNull();
  });

  it('refuses duplicates, shared keys and unknown names as InsForge does', async () => {
    const { admin } = setup();
    await admin.create({ provider: 'github' });
    await expect(admin.create({ provider: 'github' })).rejects.toMatchObject({ code: 'AUTH_OAUTH_CONFIG_ALREADY_EXISTS' });
    await expect(admin.create({ provider: 'x', useSharedKey: true })).rejects.toMatchObject({ code: 'AUTH_OAUTH_CONFIG_ERROR' });
    await expect(admin.get('nope')).rejects.toMatchObject({ code: 'AUTH_OAUTH_CONFIG_NOT_FOUND' });
    await expect(admin.update('a'.repeat(51), {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(admin.remove('discord')).rejects.toMatchObject({ code: 'AUTH_OAUTH_CONFIG_NOT_FOUND' });
    await expect(admin.getCustom('Bad Key')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('updates only what is given; an empty secret removes it', async () => {
    const { configs, admin } = setup();
    await admin.create({ provider: 'discord', clientId: 'd', clientSecret: 'one' });
    await admin.update('discord', { clientSecret: 'two' });
    expect(await configs.get('discord')).toMatchObject({ clientId: 'd', clientSecret: 'two' });
    expect(await admin.update('discord', { clientSecret: '' })).toMatchObject({ hasClientSecret: false, clientId: 'd' });
  });

  it('custom providers: secret sealed per key, public names listed', async () => {
    const { configs, admin } = setup();
    const c = await admin.createCustom({
      key: 'acme',
      name: 'Acme',
      discoveryEndpoint: 'https://id.acme.test',
      clientId: 'c',
      clientSecret: 'cs',
    });
    expect(JSON.stringify(c)).not.toContain('"cs"');
    expect(await configs.getCustom('acme')).toMatchObject({ clientSecret: 'cs', discoveryEndpoint: 'https://id.acme.test' });
    expect(await configs.getCustom('../etc')).toBeNull();
    expect((await configs.configured()).customOAuthProviders).toEqual(['acme']);
    await admin.removeCustom('acme');
    await expect(admin.getCustom('acme')).rejects.toMatchObject({ code: 'AUTH_OAUTH_CONFIG_NOT_FOUND' });
  });

  it('a secret sealed under another AUTH_HMAC_SECRET opens as null, not as garbage', async () => {
    const a = setup('a'.repeat(32));
    await a.admin.create({ provider: 'google', clientId: 'g', clientSecret: 'gs' });
    const b = new OAuthProviderConfigs(a.repo as unknown as OAuthConfigsRepository, { AUTH_HMAC_SECRET: 'b'.repeat(32) } as IdentityConfig);
    expect((await b.get('google'))!.clientSecret).toBeNull();
  });
});
