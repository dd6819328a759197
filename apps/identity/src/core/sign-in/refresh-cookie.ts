import { fastifyCookie } from '@fastify/cookie';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthResult } from './session-result.js';
import { IdentityConfig } from '../config/identity.config.js';

export const REFRESH_COOKIE = 'insforge_refresh_token';

/**
 * A refresh-token cookie: HttpOnly, Secure (off only for plain-HTTP development), SameSite from
 * config (Lax by default for a same-site frontend; None plus Partitioned for an app on another
 * site, see the README's frontend topologies), host-only unless COOKIE_DOMAIN is set, on the path
 * of the routes that read it. One rule for the user's cookie and the admin dashboard's.
 */
export class SessionCookie {
  constructor(
    protected readonly config: IdentityConfig,
    readonly name: string,
    readonly path: string,
  ) {}

  private attrs(maxAge: number) {
    return {
      path: this.path,
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
    return fastifyCookie.serialize(this.name, token, this.attrs(maxAge));
  }

  clear(): string {
    return fastifyCookie.serialize(this.name, '', { ...this.attrs(0), expires: new Date(0) });
  }
}

/** The web client's refresh cookie, on /api/auth. */
@Injectable()
export class RefreshCookie extends SessionCookie {
  constructor(@Inject(IdentityConfig) config: IdentityConfig) {
    super(config, REFRESH_COOKIE, '/api/auth');
  }

  /** Sends what an AuthResult says about the cookie, and returns its body. */
  apply<T>(reply: FastifyReply, result: AuthResult<T>): T {
    if (result.cookie === 'clear') void reply.header('set-cookie', this.clear());
    else if (result.cookie) void reply.header('set-cookie', this.set(result.cookie.token, result.cookie.expiresAt));
    return result.body;
  }
}
