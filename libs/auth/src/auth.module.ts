import { type DynamicModule, type InjectionToken, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenVerifier, type JwtVerifyOptions } from './access-token.verifier.js';
import { KEY_RESOLVER, RemoteJwksResolver } from './key-resolver.js';
import { ACCESS_TOKEN_ALGORITHMS } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];

/**
 * Access-token verification for any app. `keys` is where public keys come from: identity passes
 * its own key store; other apps pass `jwksUrl` and never hold a private key or a shared secret.
 * Exports the JwtService it verifies with (identity signs with it too, passing its private key per
 * call) and the verifier itself (for tokens that arrive outside the guard).
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
    // No key here: each verification passes the KeyObject its kid resolves to.
    const jwt = JwtModule.register({
      verifyOptions: { algorithms: [...ACCESS_TOKEN_ALGORITHMS], issuer: opts.issuer, audience: opts.audience },
    });
    return {
      module: JwtAuthModule,
      imports: [jwt, ...('imports' in opts ? opts.imports : [])],
      providers: [
        resolver,
        AccessTokenVerifier,
        // One per app, shared with code that must make it forget revoked sessions.
        { provide: VerifiedTokens, useValue: new VerifiedTokens() },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [jwt, KEY_RESOLVER, VerifiedTokens, AccessTokenVerifier],
    };
  }
}
