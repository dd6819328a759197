import { Injectable } from '@nestjs/common';
import { ApiError } from '@app/core';

/**
 * Ours (InsForge has no bans). Answered only where the caller has already proven the account is
 * theirs (a password, an emailed code or link), so the answer never tells a stranger that an
 * email has a banned account: before the proof, a banned account fails like any other.
 */
export const userBanned = () =>
  new ApiError(403, 'AUTH_USER_BANNED', 'This account is banned', 'Contact the administrator of this project.');

/**
 * The one check every new session passes (password and emailed-code sign-ins of both APIs, email
 * verification, OAuth): the statement that writes the session (SessionsRepository.insertSession)
 * share-locks the user's row and writes nothing for a banned or vanished user, after the proof.
 * The lock, held until the session is committed, orders this against a ban: a ban that comes
 * first is seen; one that comes later waits for this commit, then revokes the new session with
 * the others.
 */
@Injectable()
export class UserBans {
  /** Refuses a banned (or vanished) user what the session statement found. */
  assertMayStartSession(user: 'active' | 'banned' | 'missing'): void {
    if (user === 'missing') throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials');
    if (user === 'banned') throw userBanned();
  }
}
