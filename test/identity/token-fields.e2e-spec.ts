import { randomBytes } from 'node:crypto';
import { ANON_KEY } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { type Account, current, insforgeError, PASSWORD, refreshMobile, signUp, webRefresh } from './helpers.js';

/**
 * A value in a token field that is not a live token of ours gets the answer InsForge gives a bad
 * token (401 AUTH_UNAUTHORIZED on refresh, 200 on logout, 400 "Invalid or expired…" for reset
 * tokens), whatever its length or shape: never a 400 from a length rule, which the SDK would not
 * treat as "sign in again". A missing field keeps InsForge's answer for a missing field.
 */
const INVALID_REFRESH = insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token');

describe('foreign values in token fields', () => {
  let account: Account;
  let gorbAccess: string;
  let gorbRefresh: string;
  let foreign: Record<string, string>;

  beforeAll(async () => {
    account = await signUp({ client: 'mobile' });
    const reg = await call('POST', '/v1/register', {
      body: { identifier: `t_${randomBytes(5).toString('hex')}`, email: randomEmail('tokens'), password: PASSWORD, device_name: 'Pixel' },
      ip: randomIp(),
    });
    if (reg.status !== 200) throw new Error(`Gorb register answered ${reg.status}`);
    gorbAccess = reg.body.access_token;
    gorbRefresh = reg.body.refresh_token;
    foreign = {
      'our access token': account.accessToken,
      'a Gorb access token': gorbAccess,
      'the anon key': ANON_KEY,
      'one character': 'x',
      '64 hex, unknown': randomBytes(32).toString('hex'),
      'the refresh token in upper case': account.refreshToken!.toUpperCase(),
      'the refresh token with a suffix': `${account.refreshToken}0`,
      '300 characters': 'a'.repeat(300),
      '40 KiB': 'b'.repeat(40 * 1024),
      'spaces and symbols': ' <script>"\'%;--',
    };
    // The access token must be longer than the old DTO length rule, or the first case proves nothing.
    if (account.accessToken.length <= 256) throw new Error('expected an access token longer than 256 characters');
  });

  it('InsForge non-web refresh: either spelling -> 401 AUTH_UNAUTHORIZED', async () => {
    for (const [what, token] of Object.entries(foreign)) {
      for (const field of ['refreshToken', 'refresh_token'] as const) {
        const r = await refreshMobile(token, { field });
        expect([what, field, r.status, r.body]).toEqual([what, field, 401, INVALID_REFRESH]);
      }
    }
    // and the real token still works afterwards
    expect((await refreshMobile(account.refreshToken!)).status).toBe(200);
  });

  it('InsForge web refresh: a foreign cookie -> 401', async () => {
    for (const [what, token] of Object.entries(foreign)) {
      if (/[\s";,\\]/.test(token) || token.length > 4000) continue; // not a cookie value a browser would send
      const r = await webRefresh(token, 'a'.repeat(64));
      expect([what, r.status, r.body]).toEqual([what, 401, INVALID_REFRESH]);
    }
  });

  it('missing or not a string keeps InsForge’s 400', async () => {
    const missing = await call('POST', '/api/auth/refresh?client_type=mobile', { body: {}, ip: randomIp() });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'refreshToken: Required'));
    const number = await call('POST', '/api/auth/refresh?client_type=mobile', { body: { refreshToken: 42 }, ip: randomIp() });
    expect(number.status).toBe(400);
    expect(number.body.error).toBe('INVALID_INPUT');
  });

  it('InsForge logout with a foreign token in the body -> 200, and no session is touched', async () => {
    const other = await signUp({ client: 'mobile' });
    for (const [what, token] of Object.entries({ ...foreign, 'the other account’s access token': other.accessToken })) {
      for (const field of ['refreshToken', 'refresh_token']) {
        const r = await call('POST', '/api/auth/logout?client_type=mobile', { body: { [field]: token }, ip: randomIp() });
        expect([what, r.status, r.body]).toEqual([what, 200, { success: true, message: 'Logged out successfully' }]);
      }
    }
    expect((await current(other.accessToken)).status).toBe(200);
    expect((await current(account.accessToken)).status).toBe(200);
  });

  it('Gorb refresh: a foreign refresh_token -> 401 {message}; missing -> 400', async () => {
    for (const [what, token] of Object.entries({ ...foreign, 'the Gorb access token': gorbAccess })) {
      const r = await call('POST', '/v1/auth/refresh', { body: { refresh_token: token }, ip: randomIp() });
      expect([what, r.status, r.body]).toEqual([what, 401, { message: 'Invalid or expired refresh token' }]);
    }
    // An InsForge refresh token is ours but not a Gorb session's: 401 as well.
    const insforge = await call('POST', '/v1/auth/refresh', { body: { refresh_token: account.refreshToken }, ip: randomIp() });
    expect(insforge.status).toBe(401);
    const missing = await call('POST', '/v1/auth/refresh', { body: {}, ip: randomIp() });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body)).toEqual(['message']);
    const ok = await call('POST', '/v1/auth/refresh', { body: { refresh_token: gorbRefresh }, ip: randomIp() });
    expect(ok.status).toBe(200);
  });

  it('reset token: any foreign value -> InsForge’s 400 "Invalid or expired verification token", not a length error', async () => {
    for (const [what, token] of Object.entries(foreign)) {
      const r = await call('POST', '/api/auth/email/reset-password', {
        body: { newPassword: 'Another-passw0rd', otp: token },
        ip: randomIp(),
      });
      expect([what, r.status, r.body]).toEqual([what, 400, insforgeError(400, 'INVALID_INPUT', 'Invalid or expired verification token')]);
    }
  });
});
