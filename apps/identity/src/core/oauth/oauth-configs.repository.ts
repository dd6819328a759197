import { Injectable } from '@nestjs/common';
import type { OAuthProvider } from '@app/contracts';
import { Sql, type Tx } from '@app/core';
import type { SealedSecret } from '../common/secret-box.js';

/** A built-in provider's row; `clientSecret` is sealed. */
export interface OAuthConfigRow {
  id: string;
  provider: OAuthProvider;
  clientId: string | null;
  clientSecret: SealedSecret | null;
  scopes: string[] | null;
  redirectUri: string | null;
  useSharedKey: boolean;
  nativeClientIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A custom OIDC provider's row; `clientSecret` is sealed. */
export interface CustomOAuthConfigRow {
  id: string;
  key: string;
  name: string;
  discoveryEndpoint: string;
  clientId: string;
  clientSecret: SealedSecret;
  createdAt: Date;
  updatedAt: Date;
}

export type OAuthConfigPatch = Partial<
  Pick<OAuthConfigRow, 'clientId' | 'clientSecret' | 'scopes' | 'redirectUri' | 'useSharedKey' | 'nativeClientIds'>
>;
export type CustomOAuthConfigPatch = Partial<Pick<CustomOAuthConfigRow, 'name' | 'discoveryEndpoint' | 'clientId' | 'clientSecret'>>;

const BUILT_IN = `id, provider, client_id AS "clientId", client_secret AS "clientSecret", scopes, redirect_uri AS "redirectUri",
  use_shared_key AS "useSharedKey", native_client_ids AS "nativeClientIds", created_at AS "createdAt", updated_at AS "updatedAt"`;
const CUSTOM = `id, key, name, discovery_endpoint AS "discoveryEndpoint", client_id AS "clientId", client_secret AS "clientSecret",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Column of each patchable field (a fixed list: field names never come from input). */
const BUILT_IN_COLUMNS: Record<keyof OAuthConfigPatch, string> = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  scopes: 'scopes',
  redirectUri: 'redirect_uri',
  useSharedKey: 'use_shared_key',
  nativeClientIds: 'native_client_ids',
};
const CUSTOM_COLUMNS: Record<keyof CustomOAuthConfigPatch, string> = {
  name: 'name',
  discoveryEndpoint: 'discovery_endpoint',
  clientId: 'client_id',
  clientSecret: 'client_secret',
};

function setClause(patch: Record<string, unknown>, columns: Record<string, string>): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, column] of Object.entries(columns)) {
    if (patch[field] === undefined) continue;
    values.push(column === 'client_secret' && patch[field] !== null ? JSON.stringify(patch[field]) : patch[field]);
    sets.push(`${column} = $${values.length + 1}`);
  }
  return { sets, values };
}

@Injectable()
export class OAuthConfigsRepository {
  constructor(readonly sql: Sql) {}

  list(): Promise<OAuthConfigRow[]> {
    return this.sql.query<OAuthConfigRow>('oauth-configs-list', `SELECT ${BUILT_IN} FROM identity.oauth_configs ORDER BY provider`);
  }

  async find(provider: OAuthProvider): Promise<OAuthConfigRow | null> {
    const [row] = await this.sql.query<OAuthConfigRow>(
      'oauth-configs-find',
      `SELECT ${BUILT_IN} FROM identity.oauth_configs WHERE provider = $1`,
      [provider],
    );
    return row ?? null;
  }

  /** The new row, or null when the provider already has one. */
  async insert(row: Omit<OAuthConfigRow, 'id' | 'createdAt' | 'updatedAt'>, q: Tx): Promise<OAuthConfigRow | null> {
    const [created] = await q.query<OAuthConfigRow>(
      'oauth-configs-insert',
      `INSERT INTO identity.oauth_configs (provider, client_id, client_secret, scopes, redirect_uri, use_shared_key, native_client_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider) DO NOTHING RETURNING ${BUILT_IN}`,
      [
        row.provider,
        row.clientId,
        row.clientSecret ? JSON.stringify(row.clientSecret) : null,
        row.scopes,
        row.redirectUri,
        row.useSharedKey,
        row.nativeClientIds,
      ],
    );
    return created ?? null;
  }

  /** The updated row, or null when the provider has none. */
  async update(provider: OAuthProvider, patch: OAuthConfigPatch, q: Tx): Promise<OAuthConfigRow | null> {
    const { sets, values } = setClause(patch, BUILT_IN_COLUMNS);
    const [row] = await q.query<OAuthConfigRow>(
      `oauth-configs-update:${sets.join(',')}`,
      `UPDATE identity.oauth_configs SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE provider = $1 RETURNING ${BUILT_IN}`,
      [provider, ...values],
    );
    return row ?? null;
  }

  async remove(provider: OAuthProvider, q: Tx): Promise<boolean> {
    const rows = await q.query('oauth-configs-delete', 'DELETE FROM identity.oauth_configs WHERE provider = $1 RETURNING provider', [
      provider,
    ]);
    return rows.length > 0;
  }

  listCustom(): Promise<CustomOAuthConfigRow[]> {
    return this.sql.query<CustomOAuthConfigRow>(
      'custom-oauth-configs-list',
      `SELECT ${CUSTOM} FROM identity.custom_oauth_configs ORDER BY key`,
    );
  }

  async findCustom(key: string): Promise<CustomOAuthConfigRow | null> {
    const [row] = await this.sql.query<CustomOAuthConfigRow>(
      'custom-oauth-configs-find',
      `SELECT ${CUSTOM} FROM identity.custom_oauth_configs WHERE key = $1`,
      [key],
    );
    return row ?? null;
  }

  async insertCustom(row: Omit<CustomOAuthConfigRow, 'id' | 'createdAt' | 'updatedAt'>, q: Tx): Promise<CustomOAuthConfigRow | null> {
    const [created] = await q.query<CustomOAuthConfigRow>(
      'custom-oauth-configs-insert',
      `INSERT INTO identity.custom_oauth_configs (key, name, discovery_endpoint, client_id, client_secret)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING ${CUSTOM}`,
      [row.key, row.name, row.discoveryEndpoint, row.clientId, JSON.stringify(row.clientSecret)],
    );
    return created ?? null;
  }

  async updateCustom(key: string, patch: CustomOAuthConfigPatch, q: Tx): Promise<CustomOAuthConfigRow | null> {
    const { sets, values } = setClause(patch, CUSTOM_COLUMNS);
    const [row] = await q.query<CustomOAuthConfigRow>(
      `custom-oauth-configs-update:${sets.join(',')}`,
      `UPDATE identity.custom_oauth_configs SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE key = $1 RETURNING ${CUSTOM}`,
      [key, ...values],
    );
    return row ?? null;
  }

  async removeCustom(key: string, q: Tx): Promise<boolean> {
    const rows = await q.query('custom-oauth-configs-delete', 'DELETE FROM identity.custom_oauth_configs WHERE key = $1 RETURNING key', [
      key,
    ]);
    return rows.length > 0;
  }

  /** What public-config lists: one cheap query for both kinds. */
  async names(): Promise<{ providers: OAuthProvider[]; customKeys: string[] }> {
    const rows = await this.sql.query<{ kind: 'p' | 'c'; name: string }>(
      'oauth-configs-names',
      `SELECT 'p' AS kind, provider AS name FROM identity.oauth_configs
       UNION ALL SELECT 'c', key FROM identity.custom_oauth_configs ORDER BY 1, 2`,
    );
    return {
      providers: rows.filter((r) => r.kind === 'p').map((r) => r.name as OAuthProvider),
      customKeys: rows.filter((r) => r.kind === 'c').map((r) => r.name),
    };
  }
}
