import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { SigningKeys } from '../../core/tokens/signing-keys.service.js';

/** Public keys for verifiers (profiles, your own services): served at both InsForge paths. */
@ApiTags('keys')
@Public()
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @ApiOperation({ summary: 'Public keys (ES256) that verify access tokens (RFC 7517)' })
  @ApiOkResponse({
    description: 'Cacheable for 60 seconds',
    schema: {
      type: 'object',
      required: ['keys'],
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: true,
            properties: {
              kty: { type: 'string', example: 'EC' },
              crv: { type: 'string', example: 'P-256' },
              x: { type: 'string' },
              y: { type: 'string' },
              kid: { type: 'string' },
              alg: { type: 'string', example: 'ES256' },
              use: { type: 'string', example: 'sig' },
            },
          },
        },
      },
    },
  })
  @Get(['.well-known/jwks.json', 'api/.well-known/jwks.json'])
  @Header('Cache-Control', 'public, max-age=60')
  jwks() {
    return this.keys.jwks();
  }
}
