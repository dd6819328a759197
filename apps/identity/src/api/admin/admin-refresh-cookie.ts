import { fastifyCookie } from '@fastify/cookie';
import { Inject, Injectable } from '@nestjs/common';
import { IdentityConfig } from '../../core/config/identity.config.js';

export const ADMIN_REFRESH_COOKIE = 'insforge_admin_refresh_token';
export const ADMIN_COOKIE_PATH = '/api/auth/admin';

/**
 * The admin dashboard's refresh cookie, InsForge's name on InsForge's path (/api/auth/admin, so
 * the browser never sends it to user routes, nor the user cookie's narrower twin here by mistake);
 * HttpOnly, and Secure, SameSite, Partitioned and Domain as configured for the user cookie.
 */
@Injectable()
export class AdminRefreshCookie {
  constructor(@Inject(IdentityConfig) private readonly config: IdentityConfig) {}

  private attrs(maxAge: number) {
    return {
      path: ADMIN_COOKIE_PATH,
      httpOnly: true,
      secure: this.config.COOKIE_SECURE,
      sameSite: this.config.COOKIE_SAMESITE,
      ...(this.config.COOKIE_PARTITIONED ? { partitioned: true } : {}),
      ...(this.config.COOKIE_DOMAIN ? { domain: this.config.COOKIE_DOMAIN } : {}),
      maxAge,
    } as const;
  }

  set(token: string, expiresAt: Date): string {
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    return fastifyCookie.serialize(ADMIN_REFRESH_COOKIE, token, this.attrs(maxAge));
  }

  clear(): string {
    return fastifyCookie.serialize(ADMIN_REFRESH_COOKIE, '', { ...this.attrs(0), expires: new Date(0) });
  }
}
