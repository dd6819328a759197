import { randomUUID } from 'node:crypto';
import { call, randomIp } from '../harness/http.js';
import {
  bearer,
  current,
  INVALID_TOKEN,
  insforgeError,
  ISO_DATE,
  NO_TOKEN,
  PASSWORD,
  refreshMobile,
  sidOf,
  signIn,
  signUp,
  UUID,
  webRefresh,
} from './helpers.js';

const list = (token: string) => call('GET', '/api/auth/sessions', { headers: bearer(token) });
const revokeOne = (token: string, id: string) => call('DELETE', `/api/auth/sessions/${id}`, { headers: bearer(token) });
const revokeMany = (token: string, scope?: string) =>
  call('DELETE', `/api/auth/sessions${scope === undefined ? '' : `?scope=${encodeURIComponent(scope)}`}`, { headers: bearer(token) });

/** One user with three sessions: mobile (sign-up), mobile (sign-in), web (sign-in with a user agent). */
async function threeSessions() {
  const first = await signUp();
  const second = await signIn(first.email);
  const web = await signIn(first.email, PASSWORD, { client: 'web', headers: { 'user-agent': 'E2E-Browser/1.0' } });
  return { first, second, web };
}

describe('GET /api/auth/sessions (ours, ASVS 3.3.4)', () => {
  it("lists the user's live sessions with device, client type, IP, dates and exactly one current marker", async () => {
    const { first, second, web } = await threeSessions();
    const r = await list(second.accessToken);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['sessions']);
    const sessions = r.body.sessions as Record<string, any>[];
    expect(sessions).toHaveLength(3);
    for (const s of sessions) {
      expect(s).toEqual({
        id: expect.stringMatching(UUID),
        api: 'insforge',
        clientType: expect.any(String),
        deviceName: null,
        userAgent: expect.any(String),
        ip: expect.any(String),
        createdAt: expect.stringMatching(ISO_DATE),
        lastUsedAt: expect.stringMatching(ISO_DATE),
        expiresAt: expect.stringMatching(ISO_DATE),
        current: expect.any(Boolean),
      });
      expect(new Date(s.expiresAt).getTime()).toBeGreaterThan(Date.now());
    }
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([sidOf(second.accessToken)]);
    expect(new Set(sessions.map((s) => s.id))).toEqual(new Set([first, second, web].map((a) => sidOf(a.accessToken))));

    const webRow = sessions.find((s) => s.id === sidOf(web.accessToken))!;
    expect(webRow).toMatchObject({ clientType: 'web', userAgent: 'E2E-Browser/1.0', ip: web.ip });
    const firstRow = sessions.find((s) => s.id === sidOf(first.accessToken))!;
    expect(firstRow).toMatchObject({ clientType: 'mobile', ip: first.ip });

    // the current marker follows the token used
    const fromWeb = await list(web.accessToken);
    expect((fromWeb.body.sessions as { id: string; current: boolean }[]).filter((s) => s.current).map((s) => s.id)).toEqual([
      sidOf(web.accessToken),
    ]);
  });

  it('a refresh updates lastUsedAt and the IP of that session', async () => {
    const a = await signUp();
    const before = (await list(a.accessToken)).body.sessions[0];
    const ip = randomIp();
    const r = await refreshMobile(a.refreshToken!, { ip });
    expect(r.status).toBe(200);
    const after = (await list(r.body.accessToken)).body.sessions[0];
    expect(after.id).toBe(before.id);
    expect(after.ip).toBe(ip);
    expect(new Date(after.lastUsedAt).getTime()).toBeGreaterThanOrEqual(new Date(before.lastUsedAt).getTime());
  });

  it('needs an access token', async () => {
    const none = await call('GET', '/api/auth/sessions');
    expect(none.status).toBe(401);
    expect(none.body).toEqual(NO_TOKEN);
    const bad = await list('garbage');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual(INVALID_TOKEN);
  });
});

describe('DELETE /api/auth/sessions/:id', () => {
  it('revokes another of my sessions: 200, its refresh token dies, the list shrinks, mine lives on', async () => {
    const { first, second, web } = await threeSessions();
    const r = await revokeOne(second.accessToken, sidOf(first.accessToken));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, revoked: 1 });
    const dead = await refreshMobile(first.refreshToken!);
    expect(dead.status).toBe(401);
    expect(dead.body).toEqual(insforgeError(401, 'AUTH_UNAUTHORIZED', 'Invalid or expired refresh token'));
    expect((await current(first.accessToken)).status).toBe(401);
    const ids = ((await list(second.accessToken)).body.sessions as { id: string }[]).map((s) => s.id).sort();
    expect(ids).toEqual([sidOf(second.accessToken), sidOf(web.accessToken)].sort());
    expect((await refreshMobile(second.refreshToken!)).status).toBe(200);
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(200);
  });

  it('an already revoked session -> 404', async () => {
    const { first, second } = await threeSessions();
    expect((await revokeOne(second.accessToken, sidOf(first.accessToken))).status).toBe(200);
    const again = await revokeOne(second.accessToken, sidOf(first.accessToken));
    expect(again.status).toBe(404);
    expect(again.body).toEqual(insforgeError(404, 'NOT_FOUND', 'Session not found'));
  });

  it("someone else's session id -> 404 (indistinguishable from an unknown id), and it stays alive", async () => {
    const me = await signUp();
    const victim = await signUp();
    const r = await revokeOne(me.accessToken, sidOf(victim.accessToken));
    expect(r.status).toBe(404);
    expect(r.body).toEqual(insforgeError(404, 'NOT_FOUND', 'Session not found'));
    const unknown = await revokeOne(me.accessToken, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(r.body);
    expect((await current(victim.accessToken)).status).toBe(200);
    expect((await refreshMobile(victim.refreshToken!)).status).toBe(200);
  });

  it('a non-UUID id -> 400 INVALID_INPUT', async () => {
    const me = await signUp();
    for (const id of ['not-a-uuid', '123', `${randomUUID()}x`, "1' OR '1'='1"]) {
      const r = await revokeOne(me.accessToken, encodeURIComponent(id));
      expect(r.status).toBe(400);
      expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', 'Invalid session ID format'));
    }
    expect((await current(me.accessToken)).status).toBe(200);
  });

  it('needs an access token', async () => {
    const me = await signUp();
    const r = await call('DELETE', `/api/auth/sessions/${sidOf(me.accessToken)}`);
    expect(r.status).toBe(401);
    expect(r.body).toEqual(NO_TOKEN);
    expect((await current(me.accessToken)).status).toBe(200);
  });
});

describe('DELETE /api/auth/sessions?scope=…', () => {
  it('scope=others keeps only the current session', async () => {
    const { first, second, web } = await threeSessions();
    const r = await revokeMany(web.accessToken, 'others');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, revoked: 2 });
    const sessions = (await list(web.accessToken)).body.sessions as { id: string; current: boolean }[];
    expect(sessions.map((s) => [s.id, s.current])).toEqual([[sidOf(web.accessToken), true]]);
    expect((await refreshMobile(first.refreshToken!)).status).toBe(401);
    expect((await refreshMobile(second.refreshToken!)).status).toBe(401);
    expect((await current(second.accessToken)).status).toBe(401);
    expect((await current(web.accessToken)).status).toBe(200);
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(200);
  });

  it('scope=all kills every session, the current one too', async () => {
    const { first, second, web } = await threeSessions();
    const r = await revokeMany(second.accessToken, 'all');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, revoked: 3 });
    for (const a of [first, second]) expect((await refreshMobile(a.refreshToken!)).status).toBe(401);
    expect((await webRefresh(web.cookie, web.csrfToken)).status).toBe(401);
    for (const a of [first, second, web]) {
      const me = await current(a.accessToken);
      expect(me.status).toBe(401);
      expect(me.body).toEqual(INVALID_TOKEN);
    }
  });

  it('scope=all leaves other users alone', async () => {
    const a = await signUp();
    const b = await signUp();
    expect((await revokeMany(a.accessToken, 'all')).status).toBe(200);
    expect((await current(b.accessToken)).status).toBe(200);
    expect((await refreshMobile(b.refreshToken!)).status).toBe(200);
  });

  it.each([['everything'], [''], ['OTHERS'], [undefined]])('scope=%s -> 400 and nothing is revoked', async (scope) => {
    const a = await signUp();
    const r = await revokeMany(a.accessToken, scope);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(insforgeError(400, 'INVALID_INPUT', /^scope: /));
    expect((await current(a.accessToken)).status).toBe(200);
  });
});

describe('a revoked session cannot manage sessions', () => {
  // identity refuses a revoked session's access token at /sessions/current; the session list and
  // revoke endpoints act on the user's other sessions and must refuse it the same way.
  it("after logout, its access token cannot list sessions or revoke the user's new sessions", async () => {
    const stolen = await signUp();
    expect(
      (await call('POST', '/api/auth/logout?client_type=mobile', { headers: bearer(stolen.accessToken), ip: randomIp() })).status,
    ).toBe(200);
    const fresh = await signIn(stolen.email);

    const listed = await list(stolen.accessToken);
    expect(listed.status).toBe(401);
    expect(listed.body).toEqual(INVALID_TOKEN);
    const one = await revokeOne(stolen.accessToken, sidOf(fresh.accessToken));
    expect(one.status).toBe(401);
    const all = await revokeMany(stolen.accessToken, 'all');
    expect(all.status).toBe(401);
    expect((await current(fresh.accessToken)).status).toBe(200);
  });

  it('after scope=all, the old access token cannot kick the user out again', async () => {
    const a = await signUp();
    expect((await revokeMany(a.accessToken, 'all')).status).toBe(200);
    const fresh = await signIn(a.email);
    const again = await revokeMany(a.accessToken, 'all');
    expect(again.status).toBe(401);
    expect((await current(fresh.accessToken)).status).toBe(200);
  });
});
