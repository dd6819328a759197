import { fastifyCookie } from '@fastify/cookie';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthResult } from './session-result.js';
import { IdentityConfig } from '../config/identity.config.js';

export const REFRESH_COOKIE = 'insforge_refresh_token';

/**
 * The web client's refresh cookie: HttpOnly, Secure (off only for plain-HTTP development),
 * SameSite from config (Lax by default for a same-site frontend; None plus Partitioned for an app on
 * another site, see the README's frontend topologies), Path narrowed to /api/auth, host-only
 * unless COOKIE_DOMAIN is set.
 */
@Injectable()
export class RefreshCookie {
  constructor(@Inject(IdentityConfig) private readonly config: IdentityConfig) {}

  private attrs(maxAge: number) {
    return {
      path: '/api/auth',
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
    return fastifyCookie.serialize(REFRESH_COOKIE, token, this.attrs(maxAge));
  }

  /** Sends what an AuthResult says about the cookie, and returns its body. */
  apply<T>(reply: FastifyReply, result: AuthResult<T>): T {
    if (result.cookie === 'clear') void reply.header('set-cookie', this.clear());
    else if (result.cookie) void reply.header('set-cookie', this.set(result.cookie.token, result.cookie.expiresAt));
    return result.body;
  }

  clear(): string {
    return fastifyCookie.serialize(REFRESH_COOKIE, '', { ...this.attrs(0), expires: new Date(0) });
  }
}
