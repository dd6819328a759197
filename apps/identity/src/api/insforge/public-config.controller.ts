import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import { type PublicAuthConfig, PublicAuthConfigDto } from '@app/contracts';
import { AuthConfigService } from '../../core/auth-config/auth-config.service.js';

@ApiTags('config')
@Controller('api/auth')
export class PublicConfigController {
  constructor(private readonly config: AuthConfigService) {}

  @ApiOperation({ summary: 'Public authentication settings: password policy, verification and reset methods, providers' })
  @ApiOkResponse({ type: PublicAuthConfigDto })
  @Public()
  @Get('public-config')
  get(): Promise<PublicAuthConfig> {
    return this.config.publicConfig();
  }
}
