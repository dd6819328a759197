import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { AdminGuard, AdminTokenGuard } from './admin.guard.js';
import { AdminSessionsRepository } from './admin-sessions.repository.js';
import { AdminSessions } from './admin-sessions.service.js';
import { AdminTokens } from './admin-tokens.js';
import { AnonKeys } from './anon-keys.service.js';
import { Callers } from './callers.js';
import { ApiKeys } from './api-keys.service.js';
import { KeysRepository } from './keys.repository.js';

/**
 * Admin credentials: admin sessions and tokens, API keys, the anon key, and the guards every admin
 * route uses. A module that puts `@UseGuards(AdminGuard)` on a controller imports this one.
 */
@Module({
  imports: [TokensModule, AuditModule],
  providers: [KeysRepository, ApiKeys, AnonKeys, AdminSessionsRepository, AdminTokens, AdminSessions, AdminGuard, AdminTokenGuard, Callers],
  exports: [ApiKeys, AnonKeys, AdminTokens, AdminSessions, AdminGuard, AdminTokenGuard, Callers],
})
export class CredentialsModule {}
