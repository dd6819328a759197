import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidInput } from '../errors/api-error.js';
import { errorStyleFor, gorbBody, insforgeBody, toErrorView } from '../errors/error.filter.js';

/**
 * U+0000 and unpaired UTF-16 surrogates: PostgreSQL refuses both in text (`invalid byte sequence
 * for encoding "UTF8"`), and no legitimate client sends either, so they are refused at the edge
 * of every app instead of surfacing as a 500 from whichever query first meets them.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const FORBIDDEN_INPUT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

export const hasForbiddenChars = (s: string): boolean => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** How a field is named in the error: dotted like validation errors, a bad key shown escaped. */
function child(path: string, key: string): string {
  const shown = hasForbiddenChars(key) || /[.\s"]/.test(key) ? JSON.stringify(key).slice(1, -1) : key;
  return path ? `${path}.${shown}` : shown;
}

/**
 * The path of the first string (value or object key, at any depth) that holds a forbidden
 * character, or undefined. Iterative, so that no input can exhaust the stack.
 */
export function forbiddenStringIn(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasForbiddenChars(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (hasForbiddenChars(k)) return child(path, k);
        stack.push([inner, child(path, k)]);
      }
    }
  }
  return undefined;
}

/**
 * Query names and values whose percent-encoding is not UTF-8 (`%ED%A0%80` is an encoded lone
 * surrogate, `%FF` no character at all): the query parser keeps such text undecoded, so it would
 * reach handlers as a string the client never meant.
 */
function badlyEncodedQueryParam(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    try {
      decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      return 'query';
    }
    try {
      decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return `query.${name}`;
    }
  }
  return undefined;
}

/** The field of a request that breaks the rule above, named for the client, or undefined. */
export function forbiddenInputOf(
  req: Pick<FastifyRequest, 'url' | 'headers' | 'query' | 'params' | 'body'> & { cookies?: unknown },
): string | undefined {
  return (
    forbiddenStringIn(req.headers, 'header') ??
    forbiddenStringIn(req.cookies ?? {}, 'cookie') ??
    forbiddenStringIn(req.params ?? {}, 'path') ??
    badlyEncodedQueryParam(req.url) ??
    forbiddenStringIn(req.query ?? {}, 'query') ??
    forbiddenStringIn(req.body ?? {})
  );
}

/**
 * Fastify hook run after the body is parsed and before any guard or handler: such input is a 400
 * INVALID_INPUT naming the field (in the caller's API style, by the error filter).
 */
export function rejectForbiddenInput(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  const field = forbiddenInputOf(req as FastifyRequest & { cookies?: unknown });
  done(field === undefined ? undefined : invalidInput(`${field || 'body'}: ${FORBIDDEN_INPUT_MESSAGE}`));
}

/**
 * Fastify answers a few malformed URLs itself, before routing and before any hook (a path segment
 * that is not percent-encoded UTF-8, such as `%ED%A0%80`; an overlong parameter): this renders
 * them in the caller's API style like every other error.
 */
export function frameworkError(err: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const url = req.raw.url ?? '/';
  const error =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError(414, 'INVALID_INPUT', 'path: a path segment is too long')
      : invalidInput(err.code === 'FST_ERR_BAD_URL' ? 'path: not valid percent-encoded UTF-8' : 'Invalid request');
  const view = toErrorView(error, url);
  void reply
    .status(view.status)
    .header('x-request-id', req.id)
    .type('application/json; charset=utf-8')
    .send(errorStyleFor(url) === 'gorb' ? gorbBody(view) : insforgeBody(view));
}
