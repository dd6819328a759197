/**
 * Which errors mean "a dependency (PostgreSQL, Redis) is away, full or too slow right now" rather
 * than a bug: the error filter answers those with 503 SERVICE_UNAVAILABLE and Retry-After, never
 * 500. The client may retry; the app recovers by itself once the dependency is back.
 */

/** Seconds a client is asked to wait before retrying after a 503 for an unavailable dependency. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

/** SQLSTATE classes and codes that describe the server's state, not the statement. */
const PG_CLASSES = ['08', '53', '57P']; // connection exception, insufficient resources, operator intervention
const PG_CODES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '40001', // serialization_failure: retryable
  '40P01', // deadlock_detected: retryable
]);

/** Socket errors of a TCP peer that went away or never answered. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN']);

/**
 * Error classes that carry no code: ioredis giving up, and TypeORM refusing a query on a query
 * runner that released itself because its connection failed mid-transaction (the transaction
 * died with the connection, so nothing was committed).
 */
const NAMES = new Set(['MaxRetriesPerRequestError', 'QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** Messages of node-postgres, pg-pool and ioredis that carry no code. */
const MESSAGES = [
  /^Connection terminated/, // pg: the server closed the socket (restart, terminate) or connect timeout
  /^timeout exceeded when trying to connect$/, // pg-pool: no free connection within connectionTimeoutMillis
  /is not queryable$/, // pg: a client whose connection already failed
  /^Client was closed/,
  /^Cannot use a pool after calling end/,
  /^Stream isn't writeable/, // ioredis, offline queue off: Redis is away
  /^Connection is closed\.?$/, // ioredis
  /^Command timed out$/, // ioredis commandTimeout
  /^Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
  /^Driver not Connected$/, // TypeORM before its pool exists (database away at boot)
];

function one(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof e.code === 'string') {
    if (PG_CODES.has(e.code) || NET_CODES.has(e.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(e.code) && PG_CLASSES.some((c) => (e.code as string).startsWith(c))) return true;
  }
  if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
  return typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string));
}

/** True when the error, or what it wraps (TypeORM's driverError, an Error's cause), is a dependency outage. */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (one(err)) return true;
  if (depth > 3 || !err || typeof err !== 'object') return false;
  const e = err as { driverError?: unknown; cause?: unknown; errors?: unknown };
  if (e.driverError && isDependencyUnavailable(e.driverError, depth + 1)) return true;
  if (e.cause && isDependencyUnavailable(e.cause, depth + 1)) return true;
  // AggregateError (a connect to several addresses, all refused)
  return Array.isArray(e.errors) && e.errors.some((x) => isDependencyUnavailable(x, depth + 1));
}
