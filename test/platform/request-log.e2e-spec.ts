import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { call } from '../harness/http.js';
import { LOGS, waitFor } from '../harness/stack.js';

/**
 * Each app logs one JSON line per answered request at LOG_LEVEL=info, carrying the request id the
 * edge passed on and no header (so no credential); lines logged while serving it carry its id too.
 */
const linesOf = (app: string, requestId: string) =>
  readFileSync(join(LOGS, `${app}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.includes(requestId))
    .map((l) => JSON.parse(l) as Record<string, any>);

describe('request logs', () => {
  it.each([
    ['identity', '/api/auth/sessions/current', 401],
    ['identity', '/api/auth/public-config', 200],
    ['profiles', `/api/auth/profiles/${randomUUID()}`, 404],
  ])('%s logs %s with its request id, status and time, and no credential', async (app, path, status) => {
    const requestId = randomUUID();
    const secret = `Bearer ${randomUUID()}.${randomUUID()}`;
    const r = await call('GET', path, {
      headers: { 'x-request-id': requestId, authorization: secret, cookie: `insforge_refresh_token=${requestId}x` },
    });
    expect(r.status).toBe(status);
    let lines: Record<string, any>[] = [];
    await waitFor(() => (lines = linesOf(app, requestId).filter((l) => l.res)).length > 0, 10_000, `${app}'s log line for ${requestId}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      app,
      requestId,
      req: { id: requestId, method: 'GET', url: path },
      res: { statusCode: status },
      responseTime: expect.any(Number),
    });
    // the line names the request; no header (credentials included) is logged
    expect(Object.keys(lines[0]!.req).sort()).toEqual(['id', 'method', 'url']);
    expect(Object.keys(lines[0]!.res)).toEqual(['statusCode']);
    expect(readFileSync(join(LOGS, `${app}.log`), 'utf8')).not.toContain(secret.slice(7));
  });
});
