import { ApiError } from '@app/core';
import { parseAuthorizeQuery } from './authorize-query.js';

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const message = (q: Record<string, unknown>) => {
  try {
    parseAuthorizeQuery(q);
  } catch (e) {
    return (e as ApiError).message;
  }
  return null;
};

describe('parseAuthorizeQuery', () => {
  it('splits ours from the extras', () => {
    expect(parseAuthorizeQuery({ redirect_uri: 'https://app.example/cb', code_challenge: challenge, prompt: 'select_account' })).toEqual({
      redirectUri: 'https://app.example/cb',
      codeChallenge: challenge,
      extra: { prompt: 'select_account' },
    });
  });

  it("answers InsForge's messages, joined", () => {
    expect(message({})).toBe('redirect_uri: Redirect URI is required, code_challenge: Required');
    expect(message({ redirect_uri: 'nope', code_challenge: challenge })).toBe('redirect_uri: Invalid url');
    expect(message({ redirect_uri: ['a', 'b'], code_challenge: challenge })).toBe('redirect_uri: Expected string, received array');
    expect(message({ redirect_uri: 'https://a.example', code_challenge: 'x'.repeat(42) })).toBe(
      'code_challenge: Code challenge must be at least 43 characters',
    );
    expect(message({ redirect_uri: 'https://a.example', code_challenge: 'x'.repeat(129) })).toBe(
      'code_challenge: Code challenge must be at most 128 characters',
    );
    expect(message({ redirect_uri: 'https://a.example', code_challenge: `${'x'.repeat(42)}+` })).toBe(
      'code_challenge: Code challenge must be base64url encoded',
    );
  });

  it('bounds the extras', () => {
    const base = { redirect_uri: 'https://a.example', code_challenge: challenge };
    expect(message({ ...base, prompt: ['a', 'b'] })).toBe('prompt: Expected string, received array');
    expect(message({ ...base, prompt: 'x'.repeat(1025) })).toBe('prompt: must be at most 1024 characters');
    expect(message({ ...base, 'a b': 'x' })).toBe('"a b": not a valid parameter name');
    expect(message({ ...base, ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, 'v'])) })).toBe(
      'Too many authorization parameters (at most 20)',
    );
    expect(message({ ...base, ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'v'])) })).toBeNull();
  });
});
