import { Injectable } from '@nestjs/common';
import type { AuthConfigResponse, UpdateAuthConfigRequest } from '@app/contracts';
import { type Queryable, Sql } from '@app/core';
import { AuditLog } from '../audit/audit-log.js';
import type { AdminChange } from './admin-change.js';
import { emailProviderNotConfigured, MailProvider } from './mail-provider.js';

const COLUMNS = `uid AS id, require_email_verification AS "requireEmailVerification", password_min_length AS "passwordMinLength",
  require_number AS "requireNumber", require_lowercase AS "requireLowercase", require_uppercase AS "requireUppercase",
  require_special_char AS "requireSpecialChar", verify_email_method AS "verifyEmailMethod",
  reset_password_method AS "resetPasswordMethod", allowed_redirect_urls AS "allowedRedirectUrls",
  disable_signup AS "disableSignup", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Field -> column of the patchable settings (the request DTO has validated every value). */
const PATCHABLE: Record<keyof UpdateAuthConfigRequest, string> = {
  requireEmailVerification: 'require_email_verification',
  passwordMinLength: 'password_min_length',
  requireNumber: 'require_number',
  requireLowercase: 'require_lowercase',
  requireUppercase: 'require_uppercase',
  requireSpecialChar: 'require_special_char',
  verifyEmailMethod: 'verify_email_method',
  resetPasswordMethod: 'reset_password_method',
  allowedRedirectUrls: 'allowed_redirect_urls',
  disableSignup: 'disable_signup',
};

type Row = Omit<AuthConfigResponse, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };
const toResponse = (r: Row): AuthConfigResponse => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/**
 * The auth policy as admins read and change it. Every replica reads the row on each request that
 * needs it (AuthConfigService), so a change is live everywhere at commit: no cache to invalidate.
 */
@Injectable()
export class AuthConfigAdmin {
  constructor(
    private readonly sql: Sql,
    private readonly provider: MailProvider,
    private readonly audit: AuditLog,
  ) {}

  async get(q: Queryable = this.sql): Promise<AuthConfigResponse> {
    const [row] = await q.query<Row>('auth-config-admin', `SELECT ${COLUMNS} FROM identity.auth_config WHERE id = 1`);
    if (!row) throw new Error('identity.auth_config has no row: run the migrations');
    return toResponse(row);
  }

  /** Applies a partial update in one transaction; turning verification on needs a usable mail setup. */
  update(patch: UpdateAuthConfigRequest, change: AdminChange): Promise<AuthConfigResponse> {
    const fields = (Object.keys(PATCHABLE) as (keyof UpdateAuthConfigRequest)[]).filter((k) => patch[k] !== undefined && patch[k] !== null);
    if (!fields.length) return this.get();
    return this.sql.transaction(async (q) => {
      if (patch.requireEmailVerification !== undefined) await this.provider.lock(q);
      if (patch.requireEmailVerification === true && !(await this.provider.usable(q))) throw emailProviderNotConfigured();
      const sets = fields.map((k, i) => `${PATCHABLE[k]} = $${i + 1}`).join(', ');
      const [row] = await q.query<Row>(
        `auth-config-update:${fields.join(',')}`,
        `UPDATE identity.auth_config SET ${sets}, updated_at = now() WHERE id = 1 RETURNING ${COLUMNS}`,
        fields.map((k) => patch[k]),
      );
      await this.audit.record(q, { type: 'config.updated', actor: change.actor, meta: change.meta, details: { fields } });
      return toResponse(row!);
    });
  }
}
