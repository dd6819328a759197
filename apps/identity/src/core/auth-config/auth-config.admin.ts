import { Injectable } from '@nestjs/common';
import type { AuthConfigResponse, UpdateAuthConfigRequest } from '@app/contracts';
import { Sql } from '@app/core';
import { AuditLog } from '../audit/audit-log.js';
import type { AdminChange } from './admin-change.js';
import { type AuthConfig, AuthConfigRepository } from './auth-config.repository.js';
import { emailProviderNotConfigured, MailProvider } from './mail-provider.js';

const toResponse = (r: AuthConfig): AuthConfigResponse => ({
  id: r.uid,
  requireEmailVerification: r.requireEmailVerification,
  passwordMinLength: r.passwordMinLength,
  requireNumber: r.requireNumber,
  requireLowercase: r.requireLowercase,
  requireUppercase: r.requireUppercase,
  requireSpecialChar: r.requireSpecialChar,
  verifyEmailMethod: r.verifyEmailMethod,
  resetPasswordMethod: r.resetPasswordMethod,
  allowedRedirectUrls: r.allowedRedirectUrls,
  disableSignup: r.disableSignup,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * The auth policy as admins read and change it. Every replica reads the row on each request that
 * needs it (AuthConfigService), so a change is live everywhere at commit: no cache to invalidate.
 */
@Injectable()
export class AuthConfigAdmin {
  constructor(
    private readonly sql: Sql,
    private readonly repo: AuthConfigRepository,
    private readonly provider: MailProvider,
    private readonly audit: AuditLog,
  ) {}

  async get(): Promise<AuthConfigResponse> {
    return toResponse(await this.repo.get());
  }

  /** Applies a partial update in one transaction; turning verification on needs a usable mail setup. */
  async update(patch: UpdateAuthConfigRequest, change: AdminChange): Promise<AuthConfigResponse> {
    return this.sql.transaction(async (tx) => {
      if (patch.requireEmailVerification !== undefined) await this.provider.lock(tx);
      if (patch.requireEmailVerification === true && !(await this.provider.usable(tx))) throw emailProviderNotConfigured();
      const { row, fields } = await this.repo.update(tx, patch);
      if (fields.length)
        await this.audit.record(tx, { type: 'config.updated', actor: change.actor, meta: change.meta, details: { fields } });
      return toResponse(row);
    });
  }
}
