import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, GorbErrorBody, InsforgeErrorBody } from '@app/contracts';
import { BodyError } from '../http/json-body.js';
import { ApiError } from './api-error.js';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyUnavailable } from './dependency-errors.js';

/** What the client is told: status, a stable code, a message safe to show, and extra headers. */
export interface ErrorView {
  status: number;
  code: ErrorCode;
  message: string;
  nextActions?: string;
  headers: Record<string, string>;
  extra?: Record<string, unknown>;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'AUTH_UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Turns anything thrown into what the client may see; 5xx never carry internals. */
export function toErrorView(exception: unknown, url: string): ErrorView {
  if (exception instanceof ApiError) {
    const view: ErrorView = {
      status: exception.getStatus(),
      code: exception.code,
      message: exception.message,
      nextActions: exception.nextActions,
      headers: exception.headers,
      extra: exception.extra,
    };
    return withRetryAfter(view);
  }
  if (isDependencyUnavailable(exception)) return unavailable();
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 503) return unavailable();
    if (status >= 500) return internal();
    if (status === 404 || status === 405) {
      return { status: 404, code: 'NOT_FOUND', message: `Endpoint ${url} not found`, headers: {} };
    }
    return { status, code: CODE_BY_STATUS[status] ?? 'INVALID_INPUT', message: httpMessage(exception, status), headers: {} };
  }
  // Errors raised before Nest's pipeline (body parsing, content type, size) carry a 4xx statusCode.
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = exception instanceof BodyError ? exception.message : (STATUS_MESSAGES[status] ?? 'Invalid request');
    return { status, code: CODE_BY_STATUS[status] ?? 'INVALID_INPUT', message, headers: {} };
  }
  return internal();
}

/**
 * A 429 also carries its Retry-After (whole seconds) in the body as `retryAfter`: clients such as
 * @insforge/sdk expose only the JSON body, so without it an app cannot say "try again in 60 s".
 */
function withRetryAfter(view: ErrorView): ErrorView {
  const header = view.headers['Retry-After'];
  if (view.status !== 429 || header === undefined || !/^\d+$/.test(header)) return view;
  return { ...view, extra: { ...view.extra, retryAfter: Number(header) } };
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Malformed request body',
  413: 'Request body is too large',
  415: 'Unsupported content type: send application/json',
};

/** PostgreSQL or Redis away, full or too slow: the client may retry shortly; nothing is broken. */
export function unavailable(): ErrorView {
  return {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'Service temporarily unavailable, please retry shortly.',
    headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
  };
}

function internal(): ErrorView {
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', headers: {} };
}

function httpMessage(exception: HttpException, status: number): string {
  if (status === 413 || status === 415) return STATUS_MESSAGES[status]!;
  const response = exception.getResponse();
  if (typeof response === 'object' && response && 'message' in response) {
    const m = (response as { message: unknown }).message;
    if (Array.isArray(m)) return m.join(', ');
    if (typeof m === 'string') return m;
  }
  return exception.message;
}

/** Which API style a URL belongs to: the Gorb API under /v1, InsForge's everywhere else. */
export function errorStyleFor(url: string): 'gorb' | 'insforge' {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?') ? 'gorb' : 'insforge';
}

export function insforgeBody(view: ErrorView): InsforgeErrorBody {
  const body: InsforgeErrorBody = { ...view.extra, error: view.code, message: view.message, statusCode: view.status };
  if (view.nextActions !== undefined) body.nextActions = view.nextActions;
  // InsForge's fields first, the extension after them (as the README shows the body).
  if (typeof view.extra?.retryAfter === 'number') {
    delete body.retryAfter;
    body.retryAfter = view.extra.retryAfter;
  }
  return body;
}

export function gorbBody(view: ErrorView): GorbErrorBody {
  return { ...view.extra, message: view.message };
}

/**
 * The one error filter: InsForge's `{error, message, statusCode, nextActions?}` for /api/auth (and
 * anything unknown), Gorb's `{message}` for /v1. A 5xx hides internals and is logged with the
 * request id, which the client also gets in the X-Request-Id header.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const url = req?.url ?? '/';
    const view = toErrorView(exception, url);
    if (view.status === 503) {
      // Expected during an outage and possibly thousands a second: one line, no stack.
      this.logger.warn({ reqId: req?.id, url, err: (exception as Error)?.message }, 'dependency unavailable');
    } else if (view.status >= 500) {
      this.logger.error({ err: exception, reqId: req?.id, url }, 'unhandled error');
    }
    if (reply.sent) return;
    for (const [k, v] of Object.entries(view.headers)) void reply.header(k, v);
    const body = errorStyleFor(url) === 'gorb' ? gorbBody(view) : insforgeBody(view);
    void reply.status(view.status).type('application/json; charset=utf-8').send(body);
  }
}
