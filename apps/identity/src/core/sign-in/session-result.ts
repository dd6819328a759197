/** What a front door sends: the body, and what to do with the web refresh cookie. */
export interface AuthResult<T> {
  body: T;
  cookie?: { token: string; expiresAt: Date } | 'clear';
}
