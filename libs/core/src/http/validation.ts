import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalidInput } from '../errors/api-error.js';

/** `path: message` for every failed constraint, nested paths dotted (zod-like, as InsForge). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flattenValidationErrors(e.children ?? [], path)];
  });
}

/** DTO validation for every route: unknown fields are dropped, bad input is a 400 INVALID_INPUT. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidInput(flattenValidationErrors(errors).join(', ') || 'Invalid request'),
  });
}
