import { Module } from '@nestjs/common';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeys } from './signing-keys.service.js';

/** The signing keys alone: what the access-token guard resolves and `main.js keys:*` needs. */
@Module({ providers: [SigningKeysRepository, SigningKeys], exports: [SigningKeys] })
export class KeysModule {}
