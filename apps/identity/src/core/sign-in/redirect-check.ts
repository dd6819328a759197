import { Inject, Injectable } from '@nestjs/common';
import { invalidInput, parseOrigins } from '@app/core';
import type { AuthConfig } from '../auth-config/auth-config.repository.js';
import { IdentityConfig } from '../config/identity.config.js';
import { isRedirectAllowed } from './redirect-allowlist.js';

/** The allow-list check for every URL we send a user to (sign-up, email links, later OAuth). */
@Injectable()
export class RedirectCheck {
  private readonly trusted: string[];

  constructor(@Inject(IdentityConfig) config: IdentityConfig) {
    this.trusted = [new URL(config.PUBLIC_BASE_URL).origin, ...parseOrigins(config.CORS_ORIGINS)];
  }

  assertAllowed(redirectTo: string, cfg: AuthConfig): void {
    if (!isRedirectAllowed(redirectTo, cfg.allowedRedirectUrls, this.trusted)) {
      throw invalidInput(
        `${redirectTo} is not in the allowed redirect URLs`,
        'Please add this URL to the allowed redirect URLs in the authentication configuration.',
      );
    }
  }
}
