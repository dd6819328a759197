import { Injectable } from '@nestjs/common';
import { type Queryable, Sql, type Tx } from '@app/core';
import { CurrentUserCache } from './current-user.cache.js';

/** A user row with its sign-in providers, as every response needs it. */
export interface UserRecord {
  id: string;
  email: string;
  username: string | null;
  passwordHash: string | null;
  emailVerified: boolean;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  providers: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Each field of a UserRecord and the SQL that reads it from `identity.users u`. */
const USER_FIELDS: readonly (readonly [keyof UserRecord, string])[] = [
  ['id', 'u.id'],
  ['email', 'u.email'],
  ['username', 'u.username'],
  ['passwordHash', 'u.password_hash'],
  ['emailVerified', 'u.email_verified'],
  ['profile', 'u.profile'],
  ['metadata', 'u.metadata'],
  ['createdAt', 'u.created_at'],
  ['updatedAt', 'u.updated_at'],
  [
    'providers',
    `COALESCE((SELECT array_agg(DISTINCT p.provider ORDER BY p.provider) FROM identity.user_providers p WHERE p.user_id = u.id), '{}')`,
  ],
];

/** The columns of a UserRecord from `identity.users u`, each named `${prefix}${field}` (a prefix keeps them apart from another row's). */
export const userColumns = (prefix = '') => USER_FIELDS.map(([field, sql]) => `${sql} AS "${prefix}${field}"`).join(', ');

export const USER_COLUMNS = userColumns();

/** The UserRecord in a row whose user columns came from `userColumns(prefix)`. */
export const userFromRow = (row: Record<string, unknown>, prefix: string): UserRecord =>
  Object.fromEntries(USER_FIELDS.map(([field]) => [field, row[prefix + field]])) as unknown as UserRecord;
const SELECT_USER = `SELECT ${USER_COLUMNS} FROM identity.users u`;

export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique violation: ${constraint}`);
  }
}

const isUniqueViolation = (err: unknown): err is { code: string; constraint?: string } =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';

@Injectable()
export class UsersRepository {
  constructor(
    private readonly sql: Sql,
    private readonly cache: CurrentUserCache,
  ) {}

  /** Inside a caller's transaction, or on the pool; named statements either way (the hot paths). */
  private async one(name: string, text: string, params: unknown[], q: Queryable = this.sql): Promise<UserRecord | null> {
    const rows = await q.query<UserRecord>(name, text, params);
    return rows[0] ?? null;
  }

  findById(id: string, q?: Queryable): Promise<UserRecord | null> {
    return this.one('user-by-id', `${SELECT_USER} WHERE u.id = $1`, [id], q);
  }

  findByEmail(email: string, q?: Queryable): Promise<UserRecord | null> {
    return this.one('user-by-email', `${SELECT_USER} WHERE u.email = $1`, [email], q);
  }

  findByUsername(username: string, q?: Queryable): Promise<UserRecord | null> {
    return this.one('user-by-username', `${SELECT_USER} WHERE u.username = $1`, [username], q);
  }

  /** The user, and whether the session named by an access token is still live (one round trip). */
  async findWithSession(userId: string, sessionId: string): Promise<{ user: UserRecord; sessionLive: boolean } | null> {
    const rows = await this.sql.query<UserRecord & { sessionLive: boolean }>(
      'user-with-session',
      `SELECT ${USER_COLUMNS},
              EXISTS (SELECT 1 FROM identity.sessions s WHERE s.id = $2 AND s.user_id = u.id AND s.revoked_at IS NULL
                      AND s.absolute_expires_at > now() AND s.idle_expires_at > now()) AS "sessionLive"
       FROM identity.users u WHERE u.id = $1`,
      [userId, sessionId],
    );
    const row = rows[0];
    if (!row) return null;
    const { sessionLive, ...user } = row;
    return { user, sessionLive };
  }

  async insert(
    tx: Tx,
    row: { email: string; username?: string | null; passwordHash: string | null; emailVerified: boolean; profile: Record<string, unknown> },
  ): Promise<UserRecord> {
    try {
      const [{ id }] = await tx.query<{ id: string }>(
        'user-insert',
        `INSERT INTO identity.users (email, username, password_hash, email_verified, profile) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [row.email, row.username ?? null, row.passwordHash, row.emailVerified, JSON.stringify(row.profile)],
      );
      return (await this.findById(id, tx))!;
    } catch (err) {
      if (isUniqueViolation(err)) throw new UniqueViolation(err.constraint ?? 'unknown');
      throw err;
    }
  }

  async setPasswordHash(tx: Tx, userId: string, passwordHash: string | null): Promise<void> {
    await tx.query('user-set-password', `UPDATE identity.users SET password_hash = $2, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
    ]);
    this.cache.forgetUsersAfterCommit(tx, [userId]);
  }

  /** A rehash on sign-in: only while the hash is still the verified one (a claim or reset may have replaced it). */
  async upgradePasswordHash(userId: string, verifiedHash: string, newHash: string): Promise<void> {
    await this.sql.query('user-upgrade-password', `UPDATE identity.users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [
      userId,
      verifiedHash,
      newHash,
    ]);
  }

  /** Only EmailClaims marks an email verified (an account claim has more to do than this). */
  async markEmailVerified(tx: Tx, userId: string): Promise<void> {
    await tx.query('user-mark-verified', `UPDATE identity.users SET email_verified = true, updated_at = now() WHERE id = $1`, [userId]);
    this.cache.forgetUsersAfterCommit(tx, [userId]);
  }

  /** Locks the user's row for an account claim and reads what the claim decides on. */
  async lockForClaim(tx: Tx, userId: string): Promise<{ email: string; emailVerified: boolean } | null> {
    const rows = await tx.query<{ email: string; emailVerified: boolean }>(
      'user-lock-for-claim',
      `SELECT email, email_verified AS "emailVerified" FROM identity.users WHERE id = $1 FOR UPDATE`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /**
   * True, holding a share lock on the row until the transaction ends, when the password hash is
   * still the one a sign-in just verified: a claim or a reset that dropped or replaced it in the
   * meantime wins, and a claim that comes later waits for this transaction and revokes its session.
   * In the same statement the live email-verification setting, so a password sign-in reads the
   * auth config without a round trip of its own.
   */
  async passwordStillIs(tx: Tx, userId: string, passwordHash: string): Promise<{ unchanged: boolean; requireEmailVerification: boolean }> {
    const [row] = await tx.query<{ unchanged: boolean; requireEmailVerification: boolean | null }>(
      'user-password-still-is',
      `SELECT EXISTS (SELECT 1 FROM identity.users WHERE id = $1 AND password_hash = $2 FOR SHARE) AS unchanged,
              (SELECT require_email_verification FROM identity.auth_config WHERE id = 1) AS "requireEmailVerification"`,
      [userId, passwordHash],
    );
    if (row?.requireEmailVerification == null) throw new Error('identity.auth_config has no row: run the migrations');
    return { unchanged: row.unchanged, requireEmailVerification: row.requireEmailVerification };
  }

  async addProvider(tx: Tx, userId: string, provider: string, accountId: string, data: Record<string, unknown> = {}): Promise<void> {
    await tx.query(
      'user-add-provider',
      `INSERT INTO identity.user_providers (user_id, provider, provider_account_id, provider_data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, provider_account_id) DO UPDATE SET provider_data = EXCLUDED.provider_data`,
      [userId, provider, accountId, JSON.stringify(data)],
    );
    this.cache.forgetUsersAfterCommit(tx, [userId]);
  }
}
