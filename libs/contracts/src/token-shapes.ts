/**
 * The shapes of the platform's opaque credentials and ids, one function (and one pattern) each.
 * Every front door, guard and DTO checks a token's shape here before any lookup, so a value of
 * the wrong shape never reaches a hash, a query or a comparison, and every place agrees on what
 * "well-formed" means. A well-formed value proves nothing: the lookup decides.
 */

/**
 * 256 random bits as 64 lowercase hex characters: refresh tokens (InsForge and Gorb), Gorb access
 * tokens, the tokens of emailed links and password resets, and CSRF tokens (an HMAC-SHA256).
 */
export const OPAQUE_TOKEN_PATTERN = /^[0-9a-f]{64}$/;
export const isOpaqueToken = (v: unknown): v is string => typeof v === 'string' && v.length === 64 && OPAQUE_TOKEN_PATTERN.test(v);

/**
 * A link or reset token as a user may paste it (any case: some mail clients and users change it),
 * in the form it was issued (lower case), or null when it is not one.
 */
export const LINK_TOKEN_PATTERN = /^[a-fA-F0-9]{64}$/;
export const linkTokenOf = (v: unknown): string | null =>
  typeof v === 'string' && v.length === 64 && LINK_TOKEN_PATTERN.test(v) ? v.toLowerCase() : null;

/** A one-time code: six decimal digits, leading zeros kept (sign-in, verification, reset codes). */
export const ONE_TIME_CODE_PATTERN = /^\d{6}$/;
export const isOneTimeCode = (v: unknown): v is string => typeof v === 'string' && ONE_TIME_CODE_PATTERN.test(v);

/** The project's anon key: `anon_` and 64 lowercase hex characters. */
export const ANON_KEY_PREFIX = 'anon_';
export const ANON_KEY_PATTERN = /^anon_[0-9a-f]{64}$/;
export const isAnonKey = (v: unknown): v is string => typeof v === 'string' && ANON_KEY_PATTERN.test(v);

/** An admin API key: `ik_` and 64 lowercase hex characters (InsForge's shape). */
export const API_KEY_PREFIX = 'ik_';
export const API_KEY_PATTERN = /^ik_[0-9a-f]{64}$/;
export const isApiKey = (v: unknown): v is string => typeof v === 'string' && API_KEY_PATTERN.test(v);

/** Any UUID, in either case (PostgreSQL's `uuid` accepts them all): user, session and job ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_PATTERN.test(v);

/** RFC 7636 §4.1: a PKCE code verifier or S256 code challenge, 43 to 128 unreserved characters. */
export const PKCE_VALUE_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;
export const isPkceValue = (v: unknown): v is string => typeof v === 'string' && PKCE_VALUE_PATTERN.test(v);
