import { randomBytes } from 'node:crypto';
import { sql } from '../harness/db.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { bearer, PASSWORD, refreshMobile, sidOf, signIn, signUp, webLogout } from '../identity/helpers.js';
import { eventually } from './support.js';

/**
 * profiles verifies access tokens with identity's public keys, so a token stays a valid JWT until
 * it expires (15 minutes). Every path that ends a session in identity tells profiles through the
 * outbox (`user.sessions-revoked`, after commit): logout (web and mobile), DELETE /sessions/:id,
 * DELETE /sessions?scope=others, Gorb's revoke and logout, and a reused refresh token. After each,
 * the ended session's token is refused by profiles within a bounded wait; the user's other
 * sessions keep writing.
 */

const patch = (token: string) =>
  call('PATCH', '/api/auth/profiles/current', { body: { profile: { probe: randomBytes(4).toString('hex') } }, headers: bearer(token) });

/** Waits (bounded) until profiles refuses `token` with the access-token guard's answer. */
async function refusedByProfiles(token: string): Promise<void> {
  const r = await eventually(
    () => patch(token),
    (x) => x.status !== 200,
    'profiles to refuse the ended session',
    30_000,
  );
  expect(r.status).toBe(401);
  expect(r.body).toEqual({ error: 'AUTH_UNAUTHORIZED', message: 'Invalid token', statusCode: 401 });
}

async function twoSessions() {
  const a = await signUp();
  const b = await signIn(a.email, PASSWORD);
  expect((await patch(a.accessToken)).status).toBe(200);
  expect((await patch(b.accessToken)).status).toBe(200);
  return { a, b };
}

describe('ended sessions are refused by profiles too', () => {
  it('POST /logout with the Bearer access token', async () => {
    const { a, b } = await twoSessions();
    expect(
      (await call('POST', '/api/auth/logout?client_type=mobile', { body: {}, headers: bearer(b.accessToken), ip: randomIp() })).status,
    ).toBe(200);
    await refusedByProfiles(b.accessToken);
    expect((await patch(a.accessToken)).status).toBe(200);
  });

  it('POST /logout of a web session (cookie + CSRF)', async () => {
    const a = await signUp();
    const w = await signIn(a.email, PASSWORD, { client: 'web' });
    expect((await patch(w.accessToken)).status).toBe(200);
    expect((await webLogout(w.cookie, w.csrfToken)).status).toBe(200);
    await refusedByProfiles(w.accessToken);
    expect((await patch(a.accessToken)).status).toBe(200);
  });

  it('POST /logout with the refresh token in the body', async () => {
    const { a, b } = await twoSessions();
    const r = await call('POST', '/api/auth/logout?client_type=mobile', { body: { refreshToken: b.refreshToken }, ip: randomIp() });
    expect(r.status).toBe(200);
    await refusedByProfiles(b.accessToken);
    expect((await patch(a.accessToken)).status).toBe(200);
  });

  it('DELETE /sessions/:id and DELETE /sessions?scope=others', async () => {
    const { a, b } = await twoSessions();
    const c = await signIn(a.email, PASSWORD);
    expect((await call('DELETE', `/api/auth/sessions/${sidOf(b.accessToken)}`, { headers: bearer(a.accessToken) })).status).toBe(200);
    await refusedByProfiles(b.accessToken);
    expect((await call('DELETE', '/api/auth/sessions?scope=others', { headers: bearer(a.accessToken) })).body).toEqual({
      success: true,
      revoked: 1,
    });
    await refusedByProfiles(c.accessToken);
    expect((await patch(a.accessToken)).status).toBe(200);
  });

  it('Gorb revoke by device id ends an InsForge session (sessions are shared), and Gorb logout its own', async () => {
    const identifier = `ended_${randomBytes(4).toString('hex')}`;
    const email = randomEmail('ended-gorb');
    const reg = await call('POST', '/v1/register', {
      body: { identifier, email, password: PASSWORD, device_name: 'Pixel' },
      ip: randomIp(),
    });
    expect(reg.status).toBe(200);
    const insforge = await signIn(email, PASSWORD);
    const keep = await signIn(email, PASSWORD);
    expect((await patch(insforge.accessToken)).status).toBe(200);
    const revoked = await call('POST', '/v1/auth/revoke', {
      body: { password: PASSWORD, device_id: sidOf(insforge.accessToken) },
      headers: bearer(reg.body.access_token),
      ip: randomIp(),
    });
    expect(revoked.body).toEqual({ deleted: true });
    await refusedByProfiles(insforge.accessToken);
    expect((await patch(keep.accessToken)).status).toBe(200);
    // Gorb's own logout tells profiles about its session (whose id is in the audit and the devices list).
    expect((await call('DELETE', '/v1/auth/logout', { headers: bearer(reg.body.access_token) })).status).toBe(200);
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM identity.outbox WHERE job_name = 'user.sessions-revoked' AND payload->>'userId' = $1`,
      [reg.body.uuid],
    );
    expect(n).toBe(2);
  });

  it('a reused refresh token revokes its session in profiles too', async () => {
    const { a, b } = await twoSessions();
    expect((await refreshMobile(b.refreshToken!)).status).toBe(200);
    await sql(
      `UPDATE identity.refresh_tokens SET rotated_at = now() - interval '1 hour' WHERE rotated_at IS NOT NULL AND session_id = $1`,
      [sidOf(b.accessToken)],
    );
    expect((await refreshMobile(b.refreshToken!)).status).toBe(401);
    await refusedByProfiles(b.accessToken);
    expect((await patch(a.accessToken)).status).toBe(200);
  });
});
