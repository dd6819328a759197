const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any UUID, in either case (PostgreSQL's `uuid` accepts them all). */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
