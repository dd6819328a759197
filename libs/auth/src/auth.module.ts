import { type DynamicModule, type InjectionToken, Module, type Provider } from '@nestjs/common';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenStrategy, JWT_VERIFY_OPTIONS, type JwtVerifyOptions } from './access-token.strategy.js';
import { KEY_RESOLVER, RemoteJwksResolver } from './key-resolver.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * Access-token verification for any app. `keys` is where public keys come from: identity passes
 * its own key store; other apps pass `jwksUrl` and never hold a private key or a shared secret.
 */
@Module({})
export class JwtAuthModule {
  static forRoot(
    opts: JwtVerifyOptions & ({ jwksUrl: string; jwksRefreshSeconds: number } | { keyResolver: InjectionToken; imports: ModuleImport[] }),
  ): DynamicModule {
    const resolver: Provider =
      'jwksUrl' in opts
        ? { provide: KEY_RESOLVER, useValue: new RemoteJwksResolver(opts.jwksUrl, opts.jwksRefreshSeconds) }
        : { provide: KEY_RESOLVER, useExisting: opts.keyResolver };
    return {
      module: JwtAuthModule,
      imports: [PassportModule, ...('imports' in opts ? opts.imports : [])],
      providers: [
        resolver,
        { provide: JWT_VERIFY_OPTIONS, useValue: { issuer: opts.issuer, audience: opts.audience } },
        AccessTokenStrategy,
        // One per app, shared with code that must make it forget revoked sessions.
        { provide: VerifiedTokens, useValue: new VerifiedTokens() },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [KEY_RESOLVER, VerifiedTokens],
    };
  }
}
