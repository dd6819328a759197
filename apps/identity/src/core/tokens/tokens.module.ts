import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens.service.js';
import { KeysModule } from './keys.module.js';

/**
 * Access tokens, signed with the signing keys through the JwtService and verified by the
 * AccessTokenVerifier that the (global) JwtAuthModule provides.
 */
@Module({ imports: [KeysModule], providers: [AccessTokens], exports: [KeysModule, AccessTokens] })
export class TokensModule {}
