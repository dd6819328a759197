import { Inject, Injectable } from '@nestjs/common';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { SessionCookie } from '../../core/sign-in/refresh-cookie.js';

export const ADMIN_REFRESH_COOKIE = 'insforge_admin_refresh_token';
export const ADMIN_COOKIE_PATH = '/api/auth/admin';

/**
 * The admin dashboard's refresh cookie, InsForge's name on InsForge's path (/api/auth/admin, so
 * the browser never sends it to user routes, nor the user cookie's narrower twin here by mistake);
 * otherwise the same attributes as the user's cookie.
 */
@Injectable()
export class AdminRefreshCookie extends SessionCookie {
  constructor(@Inject(IdentityConfig) config: IdentityConfig) {
    super(config, ADMIN_REFRESH_COOKIE, ADMIN_COOKIE_PATH);
  }
}
