import { Inject, Injectable } from '@nestjs/common';
import { ApiError, openString, type Queryable, SEAL_PURPOSES, type Tx } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { MailSettingsRepository } from './mail-settings.repository.js';

/** InsForge's lock id, so requireEmailVerification and the SMTP settings change one at a time. */
const MAIL_PROVIDER_LOCK = 1869573991;

export const emailProviderNotConfigured = () =>
  new ApiError(
    400,
    'EMAIL_PROVIDER_NOT_CONFIGURED',
    'An email provider must be configured before email verification can be required.',
    'Configure and enable custom SMTP, then retry. Cloud-linked projects can use the managed email provider.',
  );

/**
 * Whether mail can go out: the mailer's own SMTP server (SMTP_HOST, which identity is given too),
 * or saved SMTP settings that are enabled and whose password opens. The invariant "email
 * verification required => a provider exists" is kept under one advisory lock by both writers.
 */
@Injectable()
export class MailProvider {
  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    private readonly settings: MailSettingsRepository,
  ) {}

  get fromEnvironment(): boolean {
    return Boolean(this.config.SMTP_HOST);
  }

  lock(q: Tx): Promise<unknown> {
    return q.query('mail-provider-lock', 'SELECT pg_advisory_xact_lock($1)', [MAIL_PROVIDER_LOCK]);
  }

  async usable(q: Queryable): Promise<boolean> {
    if (this.fromEnvironment) return true;
    const smtp = await this.settings.smtp(q);
    return (
      smtp.enabled &&
      smtp.passwordSealed !== null &&
      openString(this.config.SMTP_SETTINGS_KEY, SEAL_PURPOSES.SMTP_PASSWORD, smtp.passwordSealed) !== null
    );
  }
}
