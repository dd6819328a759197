import { Module } from '@nestjs/common';
import { SigningKeys } from './signing-keys.service.js';

/** The signing keys alone: what the access-token guard resolves and `main.js keys:*` needs. */
@Module({ providers: [SigningKeys], exports: [SigningKeys] })
export class KeysModule {}
