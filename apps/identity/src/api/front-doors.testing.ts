import { ApiError, type RequestMeta } from '@app/core';

/** Shared by the front doors' unit specs (collaborators faked, no I/O); not part of the app. */

export const meta: RequestMeta = { requestId: 'r1', ip: '203.0.113.7', userAgent: 'jest' };

/** The ApiError a call was refused with (fails the test when it was not). */
export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}
