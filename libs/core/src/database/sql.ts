import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Something that runs SQL: the pool (one statement, any connection) or a transaction. `name`
 * makes it a named prepared statement (parsed and planned once per connection); '' runs it
 * unnamed, for statements whose text varies.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(name: string, text: string, values?: unknown[]): Promise<T[]>;
}

/**
 * The one transaction type: statements on one connection between BEGIN and COMMIT, and work to
 * run once the changes are visible to everyone (outbox nudges, cache invalidations).
 */
export interface Tx extends Queryable {
  /**
   * Runs `fn` after COMMIT, never after a ROLLBACK. Hooks run in order, each once: a second
   * registration under the same `key` moves the hook to the end instead of adding it again (so an
   * outbox nudge registered by every write runs once, after whatever the writes set up).
   */
  afterCommit(fn: () => unknown, key?: unknown): void;
}

type Client = Pick<PoolClient, 'query'>;

/**
 * SQL on identity's (or any app's) TypeORM pool through TypeORM's public QueryRunner API, with
 * named prepared statements for the hot paths (current session, refresh, sign-in lookups):
 * PostgreSQL parses and plans each once per connection, about 4x the throughput of TypeORM's
 * unnamed `query()` here. `transaction()` is the one way a transaction is opened.
 */
@Injectable()
export class Sql implements Queryable {
  private readonly logger = new Logger('Sql');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async query<T = Record<string, unknown>>(name: string, text: string, values: unknown[] = []): Promise<T[]> {
    // As pg's pool.query: a connection whose statement failed is not pooled again (it may be the
    // connection that failed, before pg has noticed).
    return this.withClient((client, discard) =>
      run<T>(client, name, text, values).catch((err: unknown) => {
        discard();
        throw err;
      }),
    );
  }

  /**
   * BEGIN … COMMIT on one pooled connection; ROLLBACK and rethrow on any error; then the
   * after-commit hooks, whose failures are logged (the change is committed whatever they do).
   * TypeORM's runner listens for the connection's 'error' while it is checked out, so a
   * connection lost mid-transaction (a failover, pg_terminate_backend) fails this transaction
   * only; one whose ROLLBACK failed (it is broken, whether pg has noticed yet or not) is destroyed
   * instead of going back to the pool.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks = new Map<unknown, () => unknown>();
    const out = await this.withClient(async (client, discard) => {
      const tx: Tx = {
        query: (name, text, values = []) => run(client, name, text, values),
        afterCommit: (hook, key = Symbol()) => {
          hooks.delete(key);
          hooks.set(key, hook);
        },
      };
      await client.query('BEGIN');
      try {
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(discard);
        throw err;
      }
    });
    for (const hook of hooks.values()) {
      try {
        await hook();
      } catch (err) {
        this.logger.warn(`after-commit hook failed: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /**
   * A pooled connection (TypeORM's QueryRunner hands out the driver's pg client) for `fn`;
   * `discard()` closes it, and pg's pool drops a closing client on release instead of reusing it.
   */
  private async withClient<T>(fn: (client: Client, discard: () => void) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('master');
    const client = (await runner.connect()) as PoolClient;
    let discarded = false;
    const discard = () => {
      if (discarded) return;
      discarded = true;
      client.end().catch(() => undefined);
    };
    try {
      return await fn(client, discard);
    } finally {
      await runner.release();
    }
  }
}

async function run<T>(client: Client, name: string, text: string, values: unknown[]): Promise<T[]> {
  return (await client.query(name ? { name, text, values } : { text, values })).rows as T[];
}
