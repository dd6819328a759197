import { ANON_KEY } from '../harness/env.js';
import { call, randomIp } from '../harness/http.js';

export const PASSWORD = 'correct horse battery';

export async function signUp(
  email: string,
  opts: { password?: string; name?: string; redirectTo?: string; client?: string; ip?: string } = {},
) {
  return call('POST', `/api/auth/users?client_type=${opts.client ?? 'mobile'}`, {
    body: { email, password: opts.password ?? PASSWORD, name: opts.name, redirectTo: opts.redirectTo },
    headers: { authorization: `Bearer ${ANON_KEY}` },
    ip: opts.ip ?? randomIp(),
  });
}

export async function signIn(email: string, password = PASSWORD, ip = randomIp()) {
  return call('POST', '/api/auth/sessions?client_type=mobile', { body: { email, password }, ip });
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
