import { HttpException } from '@nestjs/common';
import type { ErrorCode } from '@app/contracts';

/**
 * An error with a stable code, rendered by the error filter in the caller's API style
 * (InsForge body for /api/auth, Gorb `{message}` for /v1).
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly nextActions?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message, status);
  }

  /** Extra fields for the error body (Gorb's register flags, for instance). */
  extra?: Record<string, unknown>;

  withBody(extra: Record<string, unknown>): this {
    this.extra = extra;
    return this;
  }
}

export const invalidInput = (message: string, nextActions?: string) => new ApiError(400, 'INVALID_INPUT', message, nextActions);
