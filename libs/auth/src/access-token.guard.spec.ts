import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { UseGuards } from '@nestjs/common';
import { AccessTokenGuard, AuthenticatesItself } from './access-token.guard.js';
import type { AccessTokenVerifier, VerifiedAccessToken } from './access-token.verifier.js';
import type { Principal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

const principal: Principal = {
  userId: 'u',
  email: 'a@b.co',
  sessionId: 's',
  role: 'authenticated',
  exp: Math.floor(Date.now() / 1000) + 600,
};

function setup(verified: VerifiedAccessToken | null, isPublic = false, handler: unknown = null) {
  const calls: string[] = [];
  const verifier = { verify: async (t: string) => (calls.push(t), verified) } as unknown as AccessTokenVerifier;
  const reflector = { getAllAndOverride: () => isPublic } as unknown as Reflector;
  const cache = new VerifiedTokens();
  const guard = new AccessTokenGuard(reflector, cache, verifier);
  const run = async (authorization?: string | string[]) => {
    const req: { headers: Record<string, unknown>; user?: Principal } = { headers: { authorization } };
    const ctx = {
      getHandler: () => handler,
      getClass: () => null,
      switchToHttp: () => ({ getRequest: () => req }),
    } as unknown as ExecutionContext;
    const ok = await guard.canActivate(ctx).catch((e: { code?: string; message?: string; getStatus?: () => number }) => ({
      status: e.getStatus?.(),
      code: e.code,
      message: e.message,
    }));
    return { ok, user: req.user };
  };
  return { run, calls };
}

@AuthenticatesItself()
class OwnGuard {}
class OtherGuard {}
class Routes {
  @UseGuards(OwnGuard) admin() {}
  @UseGuards(OtherGuard) user() {}
}

describe('AccessTokenGuard', () => {
  it('stands aside on a route whose own guard authenticates the caller, and only there', async () => {
    const own = setup(null, false, Routes.prototype.admin);
    expect(await own.run(undefined)).toEqual({ ok: true, user: undefined });
    expect(own.calls).toEqual([]);
    const other = setup(null, false, Routes.prototype.user);
    expect((await other.run(undefined)).ok).toMatchObject({ status: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });

  it('puts the verified caller on the request and reuses the verification for the same token', async () => {
    const { run, calls } = setup({ principal, trustedUntil: Date.now() + 60_000 });
    expect(await run('Bearer abc')).toEqual({ ok: true, user: principal });
    expect(await run('Bearer abc')).toEqual({ ok: true, user: principal });
    expect(calls).toEqual(['abc']);
  });

  it('does not cache past the key deadline the verifier reports', async () => {
    const { run, calls } = setup({ principal, trustedUntil: Date.now() - 1 });
    await run('Bearer abc');
    await run('Bearer abc');
    expect(calls).toEqual(['abc', 'abc']);
  });

  it('no credential: 401 AUTH_INVALID_CREDENTIALS "No token provided"; malformed or refused: 401 AUTH_UNAUTHORIZED', async () => {
    const { run, calls } = setup(null);
    expect((await run(undefined)).ok).toEqual({ status: 401, code: 'AUTH_INVALID_CREDENTIALS', message: 'No token provided' });
    for (const header of ['Bearer a b', ['Bearer a', 'Bearer b'], 'Basic abc', 'Bearer abc']) {
      expect(await run(header)).toEqual({ ok: { status: 401, code: 'AUTH_UNAUTHORIZED', message: 'Invalid token' }, user: undefined });
    }
    expect(calls).toEqual(['abc']); // malformed headers never reach the verifier
  });

  it('lets @Public() routes through without looking at the header', async () => {
    const { run, calls } = setup(null, true);
    expect((await run('Bearer a b')).ok).toBe(true);
    expect(calls).toEqual([]);
  });
});
