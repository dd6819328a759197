import { BadRequestException, NotFoundException } from '@nestjs/common';
import { BodyError } from '../http/json-body.js';
import { ApiError } from './api-error.js';
import { errorStyleFor, gorbBody, insforgeBody, toErrorView } from './error.filter.js';

describe('toErrorView', () => {
  it('keeps an ApiError code, message, hint and headers; a 429 body also says retryAfter', () => {
    const v = toErrorView(new ApiError(429, 'TOO_MANY_REQUESTS', 'Too many requests', undefined, { 'Retry-After': '30' }), '/x');
    expect(v).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many requests',
      nextActions: undefined,
      headers: { 'Retry-After': '30' },
      extra: { retryAfter: 30 },
    });
    const body = insforgeBody(v);
    expect(body).toEqual({ error: 'TOO_MANY_REQUESTS', message: 'Too many requests', statusCode: 429, retryAfter: 30 });
    expect(Object.keys(body)).toEqual(['error', 'message', 'statusCode', 'retryAfter']);
    expect(gorbBody(v)).toEqual({ message: 'Too many requests', retryAfter: 30 });
  });

  it('adds retryAfter only to a 429 with a whole-seconds Retry-After', () => {
    expect(toErrorView(new ApiError(429, 'TOO_MANY_REQUESTS', 'x'), '/').extra).toBeUndefined();
    expect(
      toErrorView(new ApiError(429, 'TOO_MANY_REQUESTS', 'x', undefined, { 'Retry-After': 'Wed, 21 Oct 2015' }), '/').extra,
    ).toBeUndefined();
    expect(toErrorView(new ApiError(503, 'X', 'x', undefined, { 'Retry-After': '5' }), '/').extra).toBeUndefined();
  });

  it('turns unknown routes into InsForge NOT_FOUND with the url', () => {
    expect(insforgeBody(toErrorView(new NotFoundException('Cannot GET /a'), '/a?b=1'))).toEqual({
      error: 'NOT_FOUND',
      message: 'Endpoint /a?b=1 not found',
      statusCode: 404,
    });
  });

  it('maps body errors raised before Nest (size, media type, JSON) to 4xx', () => {
    expect(toErrorView(Object.assign(new Error('x'), { statusCode: 413 }), '/').status).toBe(413);
    expect(toErrorView(Object.assign(new Error('x'), { statusCode: 415 }), '/').code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toErrorView(new BodyError('Malformed JSON in request body'), '/').message).toBe('Malformed JSON in request body');
    expect(toErrorView(new BadRequestException(['a', 'b']), '/').message).toBe('a, b');
  });

  it('hides internals of anything else behind a 500', () => {
    const v = toErrorView(new TypeError('secret stack detail'), '/');
    expect(v).toEqual({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', headers: {} });
  });

  it('renders /v1 in the Gorb shape', () => {
    expect(errorStyleFor('/v1/login')).toBe('gorb');
    expect(errorStyleFor('/v10')).toBe('insforge');
    expect(errorStyleFor('/api/auth/users')).toBe('insforge');
    expect(gorbBody(toErrorView(new ApiError(403, 'FORBIDDEN', 'Invalid credentials'), '/v1/login'))).toEqual({
      message: 'Invalid credentials',
    });
  });
});
