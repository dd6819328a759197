import { Inject, Injectable, Logger } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { createTransport } from 'nodemailer';
import type { SmtpConfigResponse, UpsertSmtpConfigRequest } from '@app/contracts';
import { ApiError, invalidInput, openString, SEAL_PURPOSES, sealString, Sql } from '@app/core';
import { checkSmtpTarget, parseAllowedTargets, SMTP_PORTS_ALLOWED } from '@app/core/mail/smtp-target.js';
import { IdentityConfig } from '../config/identity.config.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AdminChange } from './admin-change.js';
import { emailProviderNotConfigured, MailProvider } from './mail-provider.js';
import { MailSettingsRepository, type SmtpRow } from './mail-settings.repository.js';

const VERIFY_TIMEOUT_MS = 10_000;

const toResponse = (r: SmtpRow): SmtpConfigResponse => ({
  id: r.uid,
  enabled: r.enabled,
  host: r.host,
  port: r.port,
  username: r.username,
  hasPassword: r.passwordSealed !== null,
  senderEmail: r.senderEmail,
  senderName: r.senderName,
  minIntervalSeconds: r.minIntervalSeconds,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Why a connection test failed, in one line without the server's own words beyond the first line. */
const oneLine = (err: unknown) =>
  String((err as Error)?.message ?? err)
    .split(/[\r\n]/)[0]!
    .slice(0, 200);

/**
 * The SMTP server saved through the admin API (InsForge's custom SMTP). The password is sealed
 * with SMTP_SETTINGS_KEY before it is stored and never leaves sealed; an enabled server must be
 * reachable under the target policy (@app/core/mail/smtp-target) and accept the credentials
 * before it is saved. Mail requested afterwards carries the settings to the mailer.
 */
@Injectable()
export class SmtpSettings {
  private readonly logger = new Logger('SmtpSettings');
  private readonly allowed: Set<string>;

  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly sql: Sql,
    private readonly repo: MailSettingsRepository,
    private readonly provider: MailProvider,
    private readonly audit: AuditLog,
  ) {
    this.allowed = parseAllowedTargets(config.SMTP_ALLOWED_TARGETS);
  }

  async get(): Promise<SmtpConfigResponse> {
    return toResponse(await this.repo.smtp());
  }

  async save(input: UpsertSmtpConfigRequest, change: AdminChange): Promise<SmtpConfigResponse> {
    const host = input.host ?? '';
    const username = input.username ?? '';
    const senderEmail = input.senderEmail ?? '';
    const senderName = input.senderName ?? '';
    if (input.enabled) {
      const problems = [
        host.length < 1 && 'host: SMTP host is required',
        username.length < 1 && 'username: SMTP username is required',
        !isEmail(senderEmail, { allow_display_name: false, allow_ip_domain: false }) && 'senderEmail: Invalid sender email',
        senderName.length < 1 && 'senderName: Sender name is required',
      ].filter(Boolean);
      if (problems.length) throw invalidInput(problems.join(', '));
    }
    // The handshake (up to three 10 s waits) happens before the transaction: a transaction left
    // idle that long would be ended by the database (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS).
    let verifiedWith: SmtpRow['passwordSealed'] = null;
    if (input.enabled) {
      const existing = await this.repo.smtp();
      const password =
        input.password ??
        (existing.passwordSealed && openString(this.config.SMTP_SETTINGS_KEY, SEAL_PURPOSES.SMTP_PASSWORD, existing.passwordSealed));
      if (!password) throw invalidInput('SMTP password is required when enabling SMTP');
      await this.verify(host, input.port, username, password);
      verifiedWith = existing.passwordSealed;
    } else if (!SMTP_PORTS_ALLOWED.includes(input.port) && !this.allowed.has(`${host.toLowerCase()}:${input.port}`)) {
      throw invalidInput('port: Port must be one of: 25, 465, 587, 2525');
    }
    return this.sql.transaction(async (q) => {
      await this.provider.lock(q);
      const existing = await this.repo.smtp(q, true);
      // Another admin changed the password while this one was being checked: check again.
      if (input.enabled && !input.password && JSON.stringify(existing.passwordSealed) !== JSON.stringify(verifiedWith)) {
        throw invalidInput('The SMTP settings changed while they were being checked; try again');
      }
      if (!input.enabled && !this.provider.fromEnvironment) {
        const [cfg] = await q.query<{ on: boolean }>(
          'auth-config-verification-lock',
          'SELECT require_email_verification AS "on" FROM identity.auth_config WHERE id = 1 FOR UPDATE',
        );
        if (cfg?.on) throw emailProviderNotConfigured();
      }
      const passwordSealed = input.password
        ? sealString(this.config.SMTP_SETTINGS_KEY, SEAL_PURPOSES.SMTP_PASSWORD, input.password)
        : existing.passwordSealed;
      const row = await this.repo.saveSmtp(q, {
        enabled: input.enabled,
        host,
        port: input.port,
        username,
        passwordSealed,
        senderEmail,
        senderName,
        minIntervalSeconds: input.minIntervalSeconds ?? 60,
      });
      await this.audit.record(q, {
        type: 'smtp_config.updated',
        actor: change.actor,
        meta: change.meta,
        details: {
          enabled: input.enabled,
          host,
          port: input.port,
          fields: Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined),
        },
      });
      this.logger.log({ enabled: input.enabled, host, port: input.port }, 'smtp settings saved');
      return toResponse(row);
    });
  }

  /** The target policy, then a real SMTP handshake with the credentials (InsForge verifies too). */
  private async verify(host: string, port: number, user: string, pass: string): Promise<void> {
    const target = await checkSmtpTarget(host, port, this.allowed);
    if (!target.ok) {
      if (target.reason === 'port') throw invalidInput('port: Port must be one of: 25, 465, 587, 2525');
      if (target.reason === 'internal') throw invalidInput('SMTP host is a private, loopback or link-local address, which is not allowed');
      throw new ApiError(400, 'EMAIL_SMTP_CONNECTION_FAILED', `SMTP connection failed: cannot resolve ${host}`);
    }
    const listed = this.allowed.has(`${host.toLowerCase()}:${port}`);
    const transport = createTransport({
      host: target.addresses[0],
      port,
      secure: port === 465,
      // a public server must offer TLS before the password goes out; a listed internal relay may not
      requireTLS: !listed && port !== 465,
      tls: { servername: host },
      auth: { user, pass },
      connectionTimeout: VERIFY_TIMEOUT_MS,
      greetingTimeout: VERIFY_TIMEOUT_MS,
      socketTimeout: VERIFY_TIMEOUT_MS,
    });
    try {
      await transport.verify();
    } catch (err) {
      throw new ApiError(400, 'EMAIL_SMTP_CONNECTION_FAILED', `SMTP connection failed: ${oneLine(err)}`);
    } finally {
      transport.close();
    }
  }
}
