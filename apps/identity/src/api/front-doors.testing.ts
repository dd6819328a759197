import { ApiError, type RequestMeta } from '@app/core';
import type { AuthConfig } from '../core/auth-config/auth-config.repository.js';

/** Shared by the front doors' unit specs (collaborators faked, no I/O); not part of the app. */

export const meta: RequestMeta = { requestId: 'r1', ip: '203.0.113.7', userAgent: 'jest' };

/** The auth settings as a fresh installation has them, with a test's changes on top. */
export const authConfigWith = (changes: Partial<AuthConfig> = {}): AuthConfig => ({
  id: 1,
  uid: '00000000-0000-4000-8000-000000000001',
  requireEmailVerification: false,
  passwordMinLength: 8,
  requireNumber: false,
  requireLowercase: false,
  requireUppercase: false,
  requireSpecialChar: false,
  verifyEmailMethod: 'code',
  resetPasswordMethod: 'code',
  allowedRedirectUrls: [],
  disableSignup: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...changes,
});

/** The ApiError a call was refused with (fails the test when it was not). */
export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}
