import { Injectable } from '@nestjs/common';
import type { Tx } from '@app/core';
import { CurrentUserCache } from '../users/current-user.cache.js';
import type { ProviderProfile } from './providers/provider-profile.js';

/** OAuth identities: rows of user_providers keyed by (provider, the provider's subject). */
@Injectable()
export class OAuthIdentitiesRepository {
  constructor(private readonly cache: CurrentUserCache) {}

  /** The user this provider account signs in as, locking the identity row. */
  async userOf(tx: Tx, provider: string, subject: string): Promise<string | null> {
    const rows = await tx.query<{ userId: string }>(
      'oauth-identity-lock',
      `SELECT user_id AS "userId" FROM identity.user_providers WHERE provider = $1 AND provider_account_id = $2 FOR UPDATE`,
      [provider, subject],
    );
    return rows[0]?.userId ?? null;
  }

  /** Links a provider account to a user (a concurrent link of the same account fails: unique key). */
  async link(tx: Tx, userId: string, p: ProviderProfile): Promise<void> {
    await tx.query(
      'oauth-identity-link',
      `INSERT INTO identity.user_providers (user_id, provider, provider_account_id, provider_data, email, email_verified)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [userId, p.provider, p.subject, JSON.stringify(providerData(p)), p.email, p.emailVerified],
    );
    this.cache.forgetUsersAfterCommit(tx, [userId]);
  }

  /** What the provider said at this sign-in. */
  async refresh(tx: Tx, p: ProviderProfile): Promise<void> {
    await tx.query(
      'oauth-identity-refresh',
      `UPDATE identity.user_providers SET provider_data = $3, email = $4, email_verified = $5, updated_at = now()
       WHERE provider = $1 AND provider_account_id = $2`,
      [p.provider, p.subject, JSON.stringify(providerData(p)), p.email, p.emailVerified],
    );
  }
}

const providerData = (p: ProviderProfile) => ({
  ...(p.name ? { name: p.name } : {}),
  ...(p.avatarUrl ? { avatar_url: p.avatarUrl } : {}),
});
