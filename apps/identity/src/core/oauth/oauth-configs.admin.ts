import { Injectable } from '@nestjs/common';
import {
  type CreateCustomOAuthConfigRequest,
  CUSTOM_OAUTH_KEY,
  type CreateOAuthConfigRequest,
  type CustomOAuthConfigResponse,
  ERROR_CODES,
  isOAuthProvider,
  type OAuthConfigResponse,
  type OAuthProvider,
  type UpdateCustomOAuthConfigRequest,
  type UpdateOAuthConfigRequest,
} from '@app/contracts';
import { ApiError, type RequestMeta, type Tx } from '@app/core';
import type { AuditActor, AuditDetails } from '../audit/audit-event.js';
import { AuditLog } from '../audit/audit-log.js';
import {
  type CustomOAuthConfigPatch,
  type CustomOAuthConfigRow,
  type OAuthConfigPatch,
  type OAuthConfigRow,
  OAuthConfigsRepository,
} from './oauth-configs.repository.js';
import { IdentityConfig } from '../config/identity.config.js';
import { discoveryUrlProblem } from './custom-oidc.client.js';
import { OAuthProviderConfigs, secretContext } from './oauth-configs.service.js';

/** Scopes a new configuration gets when the admin names none (InsForge's defaults). */
export const DEFAULT_SCOPES: Readonly<Record<OAuthProvider, readonly string[]>> = Object.freeze({
  google: ['openid', 'email', 'profile'],
  github: ['user:email'],
  discord: ['identify', 'email'],
  linkedin: ['openid', 'profile', 'email'],
  facebook: ['email', 'public_profile'],
  instagram: ['user_profile', 'user_media'],
  tiktok: ['user.info.basic'],
  apple: ['name', 'email'],
  x: ['tweet.read', 'users.read'],
  spotify: ['user-read-email', 'user-read-private'],
  microsoft: ['User.Read'],
});

/** Who asks for a change: the admin or API key AdminGuard put on the request, and the request. */
export interface Who {
  actor: AuditActor;
  meta: RequestMeta | null;
}

/** Names of the fields an update touches (for the audit log: names only, never values). */
const touched = (input: object): string[] =>
  Object.entries(input)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);

const notFound = (provider: string) =>
  new ApiError(404, ERROR_CODES.AUTH_OAUTH_CONFIG_NOT_FOUND, `OAuth configuration for ${provider} not found`);
const customNotFound = (key: string) =>
  new ApiError(404, ERROR_CODES.AUTH_OAUTH_CONFIG_NOT_FOUND, `Custom OAuth configuration for ${key} not found`);

/** A path's provider name: InsForge refuses absurd ones outright, and answers 404 for the rest. */
function checkProviderName(provider: string): void {
  if (provider.length === 0 || provider.length > 50) throw new ApiError(400, ERROR_CODES.INVALID_INPUT, 'Invalid provider name');
}

/** A path's custom key (InsForge's pattern); checked before it reaches a message or a query. */
function checkCustomKey(key: string): void {
  if (!CUSTOM_OAUTH_KEY.test(key)) throw new ApiError(400, ERROR_CODES.INVALID_INPUT, 'Invalid custom OAuth key');
}

/** InsForge Cloud's shared keys do not exist here. */
function refuseSharedKey(useSharedKey: boolean | undefined): void {
  if (useSharedKey) throw new ApiError(400, ERROR_CODES.AUTH_OAUTH_CONFIG_ERROR, 'Shared OAuth keys are not enabled in this environment');
}

function toResponse(row: OAuthConfigRow): OAuthConfigResponse {
  return {
    id: row.id,
    provider: row.provider,
    clientId: row.clientId,
    hasClientSecret: row.clientSecret !== null,
    nativeClientIds: row.nativeClientIds,
    redirectUri: row.redirectUri,
    scopes: row.scopes,
    useSharedKey: row.useSharedKey,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toCustomResponse(row: CustomOAuthConfigRow): CustomOAuthConfigResponse {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    discoveryEndpoint: row.discoveryEndpoint,
    clientId: row.clientId,
    hasClientSecret: true,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The admin side of OAuth provider settings. Unlike InsForge, no answer ever carries a client
 * secret: it is write-only, sealed before it reaches the database, and GET says only whether one
 * is stored (`hasClientSecret`).
 */
@Injectable()
export class OAuthConfigsAdmin {
  constructor(
    private readonly repo: OAuthConfigsRepository,
    private readonly configs: OAuthProviderConfigs,
    private readonly audit: AuditLog,
    private readonly config: IdentityConfig,
  ) {}

  /** Refused at configuration time, not at the first sign-in (see discoveryUrlProblem). */
  private checkDiscovery(url: string | undefined): void {
    const problem = url === undefined ? null : discoveryUrlProblem(url, this.config.OAUTH_CUSTOM_DISCOVERY_ALLOW_HTTP_LOOPBACK);
    if (problem) throw new ApiError(400, ERROR_CODES.INVALID_INPUT, `discoveryEndpoint: ${problem}`);
  }

  /** Runs a change and records it in one transaction: no change without its audit event. */
  private change<T>(who: Who, details: AuditDetails, targetId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.repo.sql.transaction(async (q) => {
      const out = await fn(q);
      await this.audit.record(q, { type: 'oauth_config.updated', actor: who.actor, meta: who.meta, targetId, details });
      return out;
    });
  }

  async list(): Promise<{ data: OAuthConfigResponse[]; count: number }> {
    const rows = await this.repo.list();
    return { data: rows.map(toResponse), count: rows.length };
  }

  async get(provider: string): Promise<OAuthConfigResponse> {
    checkProviderName(provider);
    const row = isOAuthProvider(provider) ? await this.repo.find(provider) : null;
    if (!row) throw notFound(provider);
    return toResponse(row);
  }

  async create(input: CreateOAuthConfigRequest, who: Who): Promise<OAuthConfigResponse> {
    refuseSharedKey(input.useSharedKey);
    const details = { action: 'created', kind: 'provider', fields: touched(input) };
    const created = await this.change(who, details, input.provider, (q) => this.insertOrConflict(input, q));
    return toResponse(created);
  }

  private async insertOrConflict(input: CreateOAuthConfigRequest, q: Tx): Promise<OAuthConfigRow> {
    const created = await this.repo.insert(
      {
        provider: input.provider,
        clientId: input.clientId || null,
        clientSecret: input.clientSecret ? this.configs.seal(input.clientSecret, secretContext('provider', input.provider)) : null,
        scopes: input.scopes ?? [...DEFAULT_SCOPES[input.provider]],
        redirectUri: input.redirectUri ?? null,
        useSharedKey: false,
        nativeClientIds: input.nativeClientIds ?? [],
      },
      q,
    );
    if (!created) {
      throw new ApiError(409, ERROR_CODES.AUTH_OAUTH_CONFIG_ALREADY_EXISTS, `OAuth configuration for ${input.provider} already exists`);
    }
    return created;
  }

  async update(provider: string, input: UpdateOAuthConfigRequest, who: Who): Promise<OAuthConfigResponse> {
    checkProviderName(provider);
    if (!isOAuthProvider(provider)) throw notFound(provider);
    refuseSharedKey(input.useSharedKey);
    const patch: OAuthConfigPatch = {
      clientId: input.clientId === undefined ? undefined : input.clientId || null,
      // An empty string removes the stored secret.
      clientSecret:
        input.clientSecret === undefined
          ? undefined
          : input.clientSecret
            ? this.configs.seal(input.clientSecret, secretContext('provider', provider))
            : null,
      scopes: input.scopes,
      redirectUri: input.redirectUri,
      useSharedKey: input.useSharedKey,
      nativeClientIds: input.nativeClientIds,
    };
    const details = { action: 'updated', kind: 'provider', fields: touched(input) };
    const row = await this.change(
      who,
      details,
      provider,
      async (q) => (await this.repo.update(provider, patch, q)) ?? Promise.reject(notFound(provider)),
    );
    return toResponse(row);
  }

  async remove(provider: string, who: Who): Promise<{ success: true; message: string }> {
    checkProviderName(provider);
    if (!isOAuthProvider(provider)) throw notFound(provider);
    await this.change(
      who,
      { action: 'deleted', kind: 'provider' },
      provider,
      async (q) => (await this.repo.remove(provider, q)) || Promise.reject(notFound(provider)),
    );
    return { success: true, message: `OAuth configuration for ${provider} deleted successfully` };
  }

  async listCustom(): Promise<{ data: CustomOAuthConfigResponse[]; count: number }> {
    const rows = await this.repo.listCustom();
    return { data: rows.map(toCustomResponse), count: rows.length };
  }

  async getCustom(key: string): Promise<CustomOAuthConfigResponse> {
    checkCustomKey(key);
    const row = await this.repo.findCustom(key);
    if (!row) throw customNotFound(key);
    return toCustomResponse(row);
  }

  async createCustom(input: CreateCustomOAuthConfigRequest, who: Who): Promise<CustomOAuthConfigResponse> {
    this.checkDiscovery(input.discoveryEndpoint);
    const row = {
      key: input.key,
      name: input.name,
      discoveryEndpoint: input.discoveryEndpoint,
      clientId: input.clientId,
      clientSecret: this.configs.seal(input.clientSecret, secretContext('custom', input.key)),
    };
    const exists = () => new ApiError(409, ERROR_CODES.AUTH_OAUTH_CONFIG_ALREADY_EXISTS, `Custom OAuth config ${input.key} already exists`);
    const details = { action: 'created', kind: 'custom', fields: touched(input) };
    const created = await this.change(
      who,
      details,
      input.key,
      async (q) => (await this.repo.insertCustom(row, q)) ?? Promise.reject(exists()),
    );
    return toCustomResponse(created);
  }

  async updateCustom(key: string, input: UpdateCustomOAuthConfigRequest, who: Who): Promise<CustomOAuthConfigResponse> {
    checkCustomKey(key);
    this.checkDiscovery(input.discoveryEndpoint);
    const patch: CustomOAuthConfigPatch = {
      name: input.name,
      discoveryEndpoint: input.discoveryEndpoint,
      clientId: input.clientId,
      clientSecret: input.clientSecret === undefined ? undefined : this.configs.seal(input.clientSecret, secretContext('custom', key)),
    };
    const details = { action: 'updated', kind: 'custom', fields: touched(input) };
    const row = await this.change(
      who,
      details,
      key,
      async (q) => (await this.repo.updateCustom(key, patch, q)) ?? Promise.reject(customNotFound(key)),
    );
    return toCustomResponse(row);
  }

  async removeCustom(key: string, who: Who): Promise<{ success: true; message: string }> {
    checkCustomKey(key);
    await this.change(
      who,
      { action: 'deleted', kind: 'custom' },
      key,
      async (q) => (await this.repo.removeCustom(key, q)) || Promise.reject(customNotFound(key)),
    );
    return { success: true, message: `Custom OAuth configuration for ${key} deleted successfully` };
  }
}
