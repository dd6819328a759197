import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { loadConfig } from '@app/core';
import { AdminGuard, AdminTokenGuard } from '../../core/credentials/admin.guard.js';
import { IdentityConfig } from '../../core/config/identity.config.js';
import { IdentityModule } from '../../identity.module.js';
import { API_KEY_AUTH } from './admin-openapi.js';

/** Where @nestjs/swagger keeps @ApiSecurity (its API_SECURITY; the package exports no deep path). */
const API_SECURITY = 'swagger/apiSecurity';

interface Route {
  route: string;
  guarded: boolean;
  tokenOnly: boolean;
  documented: boolean;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .map((p) => p.replace(/^\/|\/$/g, ''))
    .filter(Boolean)
    .join('/');
const has = (meta: unknown, guard: object) => Array.isArray(meta) && meta.includes(guard);
/** Documented as an admin route: the apiKey scheme, and no empty alternative (which makes credentials optional, as on sign-up). */
const saysAdmin = (metas: unknown[]) => {
  const all = metas.flatMap((m) => (Array.isArray(m) ? (m as Record<string, unknown>[]) : []));
  return all.some((s) => API_KEY_AUTH in s) && !all.some((s) => Object.keys(s).length === 0);
};

type ModuleRef = { module?: unknown; imports?: unknown[]; controllers?: unknown[] } | (new (...a: never[]) => unknown);

/** Every controller of a module and of the modules it imports, static (@Module) or dynamic. */
function controllersOf(root: ModuleRef, seen = new Set<unknown>()): (new (...a: never[]) => unknown)[] {
  if (!root || seen.has(root)) return [];
  seen.add(root);
  const dynamic = typeof root === 'object' ? root : undefined;
  const cls = typeof root === 'function' ? root : (dynamic?.module as ModuleRef | undefined);
  const own = [...(dynamic?.controllers ?? []), ...((cls && Reflect.getMetadata('controllers', cls)) ?? [])];
  const imports = [...(dynamic?.imports ?? []), ...((cls && Reflect.getMetadata('imports', cls)) ?? [])] as ModuleRef[];
  return [...(own as (new (...a: never[]) => unknown)[]), ...imports.flatMap((m) => controllersOf(m, seen))];
}

/** Every route of every controller identity registers, with its guard and its documented security. */
function routes(): Route[] {
  const config = loadConfig(IdentityConfig, 'identity', { NODE_ENV: 'test' });
  const controllers = [...new Set(controllersOf(IdentityModule.register(config)))];
  const out: Route[] = [];
  for (const c of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, c) ?? '');
    for (const name of Object.getOwnPropertyNames(c.prototype)) {
      const handler = (c.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const guarded = [handler, c].some((t) => has(Reflect.getMetadata(GUARDS_METADATA, t), AdminGuard));
      const tokenOnly = [handler, c].some((t) => has(Reflect.getMetadata(GUARDS_METADATA, t), AdminTokenGuard));
      const documented = saysAdmin([handler, c].map((t) => Reflect.getMetadata(API_SECURITY, t)));
      out.push({ route: `${method} ${join(base, String(Reflect.getMetadata(PATH_METADATA, handler)))}`, guarded, tokenOnly, documented });
    }
  }
  return out;
}

/**
 * The authorization walk (test/admin/authorization.e2e-spec.ts) finds the admin routes in the
 * OpenAPI document by their `apiKey` security. This keeps that list whole: a route behind
 * AdminGuard must say so in the document, and a route that says so must be behind AdminGuard.
 */
describe('admin routes', () => {
  const all = routes();

  it('finds the routes (the walk below is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((r) => r.guarded).map((r) => r.route)).toEqual(
      expect.arrayContaining(['POST /api/auth/tokens/anon', 'GET /api/metadata/anon-key', 'POST /api/secrets/api-key/rotate']),
    );
  });

  it('every route behind AdminGuard documents the apiKey scheme, and only those', () => {
    expect(all.filter((r) => r.guarded !== r.documented)).toEqual([]);
  });

  it('every route under /api/metadata, /api/secrets and /api/auth/admin is behind an admin guard or is an admin session route', () => {
    const sessionRoutes = ['POST /api/auth/admin/sessions', 'POST /api/auth/admin/refresh', 'POST /api/auth/admin/logout'];
    const open = all.filter(
      (r) =>
        /^\w+ \/api\/(metadata|secrets|auth\/admin)(\/|$)/.test(r.route) && !r.guarded && !r.tokenOnly && !sessionRoutes.includes(r.route),
    );
    expect(open.map((r) => r.route)).toEqual([]);
    expect(all.filter((r) => r.tokenOnly).map((r) => r.route)).toEqual(['GET /api/auth/admin/sessions/current']);
  });
});
