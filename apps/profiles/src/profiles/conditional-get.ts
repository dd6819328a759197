import type { FastifyReply } from 'fastify';

/**
 * Profiles are public and read far more often than written: any cache may keep them, but must
 * revalidate on every use, which costs a 304 with no body while the profile is unchanged.
 */
export const PROFILE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

/** A weak validator from the version, which grows on every change of the profile. */
export const etagOf = (version: number): string => `W/"${version}"`;

/** RFC 9110 weak comparison of an If-None-Match list (or `*`) against our ETag. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const ours = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === ours);
}

/** Sends `body` with its validators, or a bodiless 304 when the client's copy is current. */
export function sendCacheable(reply: FastifyReply, ifNoneMatch: string | undefined, etag: string, body: unknown): void {
  void reply.header('etag', etag).header('cache-control', PROFILE_CACHE_CONTROL);
  if (ifNoneMatchHits(ifNoneMatch, etag)) void reply.status(304).send();
  else void reply.status(200).send(body);
}
