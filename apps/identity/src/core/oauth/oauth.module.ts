import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { CustomOidcClient } from './custom-oidc.client.js';
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
  imports: [UsersModule, AuditModule],
  providers: [
    OAuthConfigsRepository,
    OAuthProviderConfigs,
    OAuthConfigsAdmin,
    { provide: ProviderConfigSource, useClass: ProviderSettings },
    ProviderClient,
    CustomOidcClient,
    OAuthStates,
    ExchangeCodes,
    OAuthIdentitiesRepository,
  ],
  exports: [
    OAuthProviderConfigs,
    OAuthConfigsAdmin,
    ProviderConfigSource,
    ProviderClient,
    CustomOidcClient,
    OAuthStates,
    ExchangeCodes,
    OAuthIdentitiesRepository,
  ],
})
export class OAuthModule {}
