import { fastifyCookie } from '@fastify/cookie';
import fastify from 'fastify';
import { configProblems } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';
import { RefreshCookie } from './refresh-cookie.js';

const configWith = (env: Record<string, string>) => configProblems(IdentityConfig, { NODE_ENV: 'test', ...env });
const cookieWith = (env: Record<string, string>) => {
  const { config, problems } = configWith(env);
  expect(problems).toEqual([]);
  return new RefreshCookie(config).set('t0ken', new Date(Date.now() + 3600_000));
};

describe('the refresh cookie attributes', () => {
  // @fastify/cookie loads its `cookie` module when the plugin is registered (no listening socket).
  beforeAll(async () => {
    const app = fastify();
    await app.register(fastifyCookie);
    await app.ready();
    await app.close();
  });

  it('default: host-only, HttpOnly, Secure, SameSite=Lax, Path=/api/auth, not partitioned', () => {
    const c = cookieWith({});
    expect(c).toMatch(/^insforge_refresh_token=t0ken; Max-Age=\d+; Path=\/api\/auth; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('an app on another site: SameSite=None; Secure; Partitioned', () => {
    const c = cookieWith({ COOKIE_SAMESITE: 'none', COOKIE_PARTITIONED: 'true' });
    expect(c).toContain('; Secure');
    expect(c).toContain('; SameSite=None');
    expect(c).toContain('; Partitioned');
    expect(c).not.toContain('Domain=');
  });

  it('COOKIE_DOMAIN sets Domain; the cleared cookie has the same attributes', () => {
    const { config } = configWith({ COOKIE_DOMAIN: 'example.com', COOKIE_SAMESITE: 'none', COOKIE_PARTITIONED: 'true' });
    const cleared = new RefreshCookie(config).clear();
    expect(cleared).toContain('Domain=example.com');
    expect(cleared).toContain('Partitioned');
    expect(cleared).toContain('Max-Age=0');
  });

  it('refuses settings browsers would drop, and a domain that is not a host name', () => {
    const names = (env: Record<string, string>) => configWith(env).problems.map((p) => p.split(':')[0]);
    expect(names({ COOKIE_SECURE: 'false', COOKIE_SAMESITE: 'none' })).toEqual(['COOKIE_SAMESITE']);
    expect(names({ COOKIE_SECURE: 'false', COOKIE_PARTITIONED: 'true' })).toEqual(['COOKIE_PARTITIONED']);
    expect(names({ COOKIE_SECURE: 'false', COOKIE_SAMESITE: 'lax' })).toEqual([]);
    expect(names({ COOKIE_DOMAIN: 'example.com; HttpOnly=0' })).toEqual(['COOKIE_DOMAIN']);
    expect(names({ COOKIE_DOMAIN: '.example.com' })).toEqual(['COOKIE_DOMAIN']);
  });
});
