import { Module } from '@nestjs/common';
import { AuthConfigRepository } from './auth-config.repository.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { AuthConfigService } from './auth-config.service.js';

/** The project's authentication settings (password policy, verification, redirects). */
@Module({ imports: [OAuthModule], providers: [AuthConfigRepository, AuthConfigService], exports: [AuthConfigService] })
export class AuthConfigModule {}
