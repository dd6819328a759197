import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@app/auth';
import { SigningKeys } from './signing-keys.service.js';

/** Public keys for verifiers (profiles, your own services): served at both InsForge paths. */
@Public()
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get(['.well-known/jwks.json', 'api/.well-known/jwks.json'])
  @Header('Cache-Control', 'public, max-age=60')
  jwks() {
    return this.keys.jwks();
  }
}
