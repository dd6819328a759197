import { invalidInput } from '@app/core';
import { isPkceValue } from '@app/contracts';

export interface AuthorizeQuery {
  redirectUri: string;
  codeChallenge: string;
  /** the app's extra authorization parameters (`prompt=select_account`, `login_hint`...) */
  extra: Record<string, string>;
}

const MAX_EXTRA = 20;
const EXTRA_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_VALUE = 1024;

const received = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * `GET /api/auth/oauth/:provider`'s query as InsForge validates it (zod: `redirect_uri` a URL,
 * `code_challenge` 43–128 base64url characters, any other parameter a string, messages joined
 * with ", "), plus our bounds on the extras: at most 20, names of URL-safe characters, values of
 * at most 1 KiB.
 */
export function parseAuthorizeQuery(q: Record<string, unknown>): AuthorizeQuery {
  const problems: string[] = [];
  const { redirect_uri: redirect, code_challenge: challenge, ...rest } = q;

  if (redirect === undefined) problems.push('redirect_uri: Redirect URI is required');
  else if (typeof redirect !== 'string') problems.push(`redirect_uri: Expected string, received ${received(redirect)}`);
  else if (redirect.length > 2048 || !URL.canParse(redirect)) problems.push('redirect_uri: Invalid url');

  if (challenge === undefined) problems.push('code_challenge: Required');
  else if (typeof challenge !== 'string') problems.push(`code_challenge: Expected string, received ${received(challenge)}`);
  else if (challenge.length < 43) problems.push('code_challenge: Code challenge must be at least 43 characters');
  else if (challenge.length > 128) problems.push('code_challenge: Code challenge must be at most 128 characters');
  else if (!isPkceValue(challenge)) problems.push('code_challenge: Code challenge must be base64url encoded');

  const extra: Record<string, string> = {};
  const names = Object.keys(rest);
  if (names.length > MAX_EXTRA) problems.push(`Too many authorization parameters (at most ${MAX_EXTRA})`);
  else
    for (const name of names) {
      const v = rest[name];
      if (typeof v !== 'string') problems.push(`${name}: Expected string, received ${received(v)}`);
      else if (!EXTRA_NAME.test(name)) problems.push(`${JSON.stringify(name)}: not a valid parameter name`);
      else if (v.length > MAX_VALUE) problems.push(`${name}: must be at most ${MAX_VALUE} characters`);
      else extra[name] = v;
    }

  if (problems.length) throw invalidInput(problems.join(', '));
  return { redirectUri: redirect as string, codeChallenge: challenge as string, extra };
}
