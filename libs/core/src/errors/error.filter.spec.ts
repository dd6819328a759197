import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ERROR_CODES } from '@app/contracts';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { BodyError } from '../http/json-body.js';
import { ApiError } from './api-error.js';
import { isDependencyUnavailable } from './dependency-errors.js';
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
    expect(toErrorView(new ApiError(503, 'SERVICE_UNAVAILABLE', 'x', undefined, { 'Retry-After': '5' }), '/').extra).toBeUndefined();
  });

  it('takes only the typed codes of libs/contracts (a typo is a compile error, not a new code on the wire)', () => {
    // @ts-expect-error 'AUTH_TYPO' is not an ErrorCode
    const typo = new ApiError(401, 'AUTH_TYPO', 'x');
    expect(typo.code).toBe('AUTH_TYPO');
    for (const status of [400, 401, 403, 404, 405, 413, 415, 429, 503, 500, 418]) {
      expect(Object.values(ERROR_CODES)).toContain(toErrorView(new HttpException('x', status), '/').code);
    }
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

describe('dependency outages become 503 with Retry-After, never 500', () => {
  const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code, severity: 'FATAL' });
  const outages: [string, unknown][] = [
    ['a restarted server (pg)', new Error('Connection terminated unexpectedly')],
    ['a connect timeout (pg)', new Error('Connection terminated due to connection timeout')],
    ['a full pool (pg-pool acquire timeout)', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['pg_terminate_backend (57P01)', pg('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pg('57P03', 'the database system is starting up')],
    ['max_connections reached (53300)', pg('53300', 'sorry, too many clients already')],
    ['statement_timeout (57014)', pg('57014', 'canceling statement due to statement timeout')],
    ['idle_in_transaction_session_timeout (25P03)', pg('25P03')],
    ['a connection exception class 08', pg('08006')],
    ['a broken client reused', new Error('Client has encountered a connection error and is not queryable')],
    ['TypeORM wrapping a driver error', new QueryFailedError('SELECT 1', [], pg('57014', 'canceling statement due to statement timeout'))],
    ['a wrapped cause', new Error('outer', { cause: pg('57P01') })],
    ['an AggregateError of refused addresses', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
    ['Redis away (offline queue off)', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a Redis command timeout', new Error('Command timed out')],
    ['an explicit 503', new ServiceUnavailableException()],
    ['a TypeORM transaction whose connection died', new QueryRunnerAlreadyReleasedError()],
    ['a TypeORM manager whose connection died', new QueryRunnerProviderAlreadyReleasedError()],
  ];
  it.each(outages)('%s', (_what, err) => {
    const v = toErrorView(err, '/api/auth/refresh');
    expect(v.status).toBe(503);
    expect(v.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(v.headers['Retry-After'])).toBeGreaterThan(0);
    expect(insforgeBody(v)).toEqual({ error: 'SERVICE_UNAVAILABLE', message: expect.any(String), statusCode: 503 });
    expect(gorbBody(toErrorView(err, '/v1/login'))).toEqual({ message: expect.any(String) });
  });

  it('keeps statement errors that are bugs or bad data as 500', () => {
    for (const err of [pg('23505', 'duplicate key'), pg('42P01', 'relation does not exist'), pg('22P02'), new Error('Connection')]) {
      expect(isDependencyUnavailable(err)).toBe(false);
      expect(toErrorView(err, '/').status).toBe(500);
    }
  });
});
