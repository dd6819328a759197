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
import { ApiError } from '@app/core';
import {
  type CustomOAuthConfigPatch,
  type CustomOAuthConfigRow,
  type OAuthConfigPatch,
  type OAuthConfigRow,
  OAuthConfigsRepository,
} from './oauth-configs.repository.js';
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
  ) {}

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

  async create(input: CreateOAuthConfigRequest): Promise<OAuthConfigResponse> {
    refuseSharedKey(input.useSharedKey);
    const created = await this.repo.insert({
      provider: input.provider,
      clientId: input.clientId || null,
      clientSecret: input.clientSecret ? this.configs.seal(input.clientSecret, secretContext('provider', input.provider)) : null,
      scopes: input.scopes ?? [...DEFAULT_SCOPES[input.provider]],
      redirectUri: input.redirectUri ?? null,
      useSharedKey: false,
      nativeClientIds: input.nativeClientIds ?? [],
    });
    if (!created) {
      throw new ApiError(409, ERROR_CODES.AUTH_OAUTH_CONFIG_ALREADY_EXISTS, `OAuth configuration for ${input.provider} already exists`);
    }
    return toResponse(created);
  }

  async update(provider: string, input: UpdateOAuthConfigRequest): Promise<OAuthConfigResponse> {
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
    const row = await this.repo.update(provider, patch);
    if (!row) throw notFound(provider);
    return toResponse(row);
  }

  async remove(provider: string): Promise<{ success: true; message: string }> {
    checkProviderName(provider);
    if (!isOAuthProvider(provider) || !(await this.repo.remove(provider))) throw notFound(provider);
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

  async createCustom(input: CreateCustomOAuthConfigRequest): Promise<CustomOAuthConfigResponse> {
    const created = await this.repo.insertCustom({
      key: input.key,
      name: input.name,
      discoveryEndpoint: input.discoveryEndpoint,
      clientId: input.clientId,
      clientSecret: this.configs.seal(input.clientSecret, secretContext('custom', input.key)),
    });
    if (!created) throw new ApiError(409, ERROR_CODES.AUTH_OAUTH_CONFIG_ALREADY_EXISTS, `Custom OAuth config ${input.key} already exists`);
    return toCustomResponse(created);
  }

  async updateCustom(key: string, input: UpdateCustomOAuthConfigRequest): Promise<CustomOAuthConfigResponse> {
    checkCustomKey(key);
    const patch: CustomOAuthConfigPatch = {
      name: input.name,
      discoveryEndpoint: input.discoveryEndpoint,
      clientId: input.clientId,
      clientSecret: input.clientSecret === undefined ? undefined : this.configs.seal(input.clientSecret, secretContext('custom', key)),
    };
    const row = await this.repo.updateCustom(key, patch);
    if (!row) throw customNotFound(key);
    return toCustomResponse(row);
  }

  async removeCustom(key: string): Promise<{ success: true; message: string }> {
    checkCustomKey(key);
    if (!(await this.repo.removeCustom(key))) throw customNotFound(key);
    return { success: true, message: `Custom OAuth configuration for ${key} deleted successfully` };
  }
}
