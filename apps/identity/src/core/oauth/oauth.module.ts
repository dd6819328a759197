import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ExchangeCodes } from './exchange-codes.js';
import { OAuthConfigsAdmin } from './oauth-configs.admin.js';
import { OAuthConfigsRepository } from './oauth-configs.repository.js';
import { OAuthProviderConfigs } from './oauth-configs.service.js';
import { OAuthIdentitiesRepository } from './oauth-identities.repository.js';
import { OAuthStates } from './oauth-states.js';
import { ProviderClient } from './provider-client.js';
import { ProviderSettings } from './provider-settings.js';
import { ProviderConfigSource } from './providers/provider-configs.js';

/**
 * OAuth providers: their configurations (client secrets sealed per row), the provider client,
 * signed states, exchange codes and the linked identities. Account resolution is the sign-in
 * kernel's (core/sign-in/oauth-accounts.service.ts).
 */
@Module({
  imports: [UsersModule],
  providers: [
    OAuthConfigsRepository,
    OAuthProviderConfigs,
    OAuthConfigsAdmin,
    { provide: ProviderConfigSource, useClass: ProviderSettings },
    ProviderClient,
    OAuthStates,
    ExchangeCodes,
    OAuthIdentitiesRepository,
  ],
  exports: [
    OAuthProviderConfigs,
    OAuthConfigsAdmin,
    ProviderConfigSource,
    ProviderClient,
    OAuthStates,
    ExchangeCodes,
    OAuthIdentitiesRepository,
  ],
})
export class OAuthModule {}
