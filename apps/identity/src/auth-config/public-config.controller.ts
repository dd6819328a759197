import { Controller, Get } from '@nestjs/common';
import { Public } from '@app/auth';
import type { PublicAuthConfig } from '@app/contracts';
import { AuthConfigService } from './auth-config.service.js';

@Controller('api/auth')
export class PublicConfigController {
  constructor(private readonly config: AuthConfigService) {}

  @Public()
  @Get('public-config')
  get(): Promise<PublicAuthConfig> {
    return this.config.publicConfig();
  }
}
