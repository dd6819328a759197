import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@app/contracts';
import { parseProfilePatch, type ProfilePatch } from './profile-rules.js';
import { invalidUserId } from './profiles.errors.js';

/** A user id path parameter: any UUID (lower-cased), else InsForge's 400 "Invalid user ID format". */
@Injectable()
export class UserIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isUuid(value)) throw invalidUserId();
    return value.toLowerCase();
  }
}

/**
 * The PATCH body. The profile is free-form JSON, which class-validator DTOs do not describe, so the
 * handler's parameter is typed as a plain record (the global ValidationPipe leaves it alone) and this
 * pipe applies the profile rules instead.
 */
@Injectable()
export class ProfilePatchPipe implements PipeTransform<unknown, ProfilePatch> {
  transform(body: unknown): ProfilePatch {
    return parseProfilePatch(body);
  }
}
