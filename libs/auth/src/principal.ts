/** Claims of our access tokens (RFC 9068 style, plus InsForge's `email` and `role`). */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  role: 'authenticated';
  /** the session this token belongs to */
  sid: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string | string[];
}

/** The authenticated caller, as handlers see it. */
export interface Principal {
  userId: string;
  email: string;
  sessionId: string;
  role: string;
  /** the token's `exp` (seconds since the epoch) */
  exp: number;
}

/** Only asymmetric signatures are accepted: no `none`, no HMAC (HS/RS confusion impossible). */
export const ACCESS_TOKEN_ALGORITHMS = ['ES256'] as const;
