import { Injectable } from '@nestjs/common';
import { ApiError, type Tx } from '@app/core';

/**
 * Ours (InsForge has no bans). Answered only where the caller has already proven the account is
 * theirs (a password, an emailed code or link), so the answer never tells a stranger that an
 * email has a banned account: before the proof, a banned account fails like any other.
 */
export const userBanned = () =>
  new ApiError(403, 'AUTH_USER_BANNED', 'This account is banned', 'Contact the administrator of this project.');

/**
 * The one check every new session passes (password and emailed-code sign-ins of both APIs, email
 * verification, OAuth): it runs in the transaction that writes the session, after the proof.
 */
@Injectable()
export class UserBans {
  /**
   * Refuses a banned (or vanished) user. The share lock on the user's row, held until the session
   * is committed, orders this against a ban: a ban that comes first is seen here; one that comes
   * later waits for this commit, then revokes the new session with the others.
   */
  async assertMayStartSession(q: Tx, userId: string): Promise<void> {
    const rows = await q.query<{ banned: boolean }>(
      'user-ban-check',
      `SELECT banned_at IS NOT NULL AS banned FROM identity.users WHERE id = $1 FOR SHARE`,
      [userId],
    );
    if (!rows[0]) throw new ApiError(401, 'AUTH_UNAUTHORIZED', 'Invalid credentials');
    if (rows[0].banned) throw userBanned();
  }
}
