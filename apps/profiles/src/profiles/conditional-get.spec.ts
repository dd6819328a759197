import type { FastifyReply } from 'fastify';
import { etagOf, ifNoneMatchHits, PROFILE_CACHE_CONTROL, sendCacheable } from './conditional-get.js';

function fakeReply() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown; bodyless?: boolean } = { headers: {} };
  const reply = {
    header(k: string, v: string) {
      sent.headers[k] = v;
      return reply;
    },
    status(s: number) {
      sent.status = s;
      return reply;
    },
    send(body?: unknown) {
      if (body === undefined) sent.bodyless = true;
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('conditional GET', () => {
  it('derives a weak ETag from the version', () => {
    expect(etagOf(7)).toBe('W/"7"');
  });

  it.each([
    [undefined, false],
    ['', false],
    ['W/"7"', true],
    ['"7"', true],
    ['W/"6"', false],
    ['"1", W/"7" , "9"', true],
    ['*', true],
    ['W/"77"', false],
  ])('If-None-Match %p matches W/"7": %p', (header, hit) => {
    expect(ifNoneMatchHits(header, 'W/"7"')).toBe(hit);
  });

  it('sends the body with ETag and Cache-Control', () => {
    const { reply, sent } = fakeReply();
    sendCacheable(reply, undefined, 'W/"3"', { id: 'u', profile: {} });
    expect(sent).toEqual({
      status: 200,
      headers: { etag: 'W/"3"', 'cache-control': PROFILE_CACHE_CONTROL },
      body: { id: 'u', profile: {} },
    });
  });

  it('answers a current copy with a bodiless 304 that still carries the validators', () => {
    const { reply, sent } = fakeReply();
    sendCacheable(reply, 'W/"3"', 'W/"3"', { id: 'u', profile: {} });
    expect(sent.status).toBe(304);
    expect(sent.bodyless).toBe(true);
    expect(sent.headers).toEqual({ etag: 'W/"3"', 'cache-control': PROFILE_CACHE_CONTROL });
  });
});
