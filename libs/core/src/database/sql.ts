import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { type DataSource, EntityManager } from 'typeorm';

/** Something that runs SQL: the pool, a transaction's client, or a TypeORM transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(name: string, text: string, values?: unknown[]): Promise<T[]>;
}

/** A TypeORM transaction as a Queryable (unnamed statements), for code that already holds one. */
export function fromEntityManager(m: EntityManager): Queryable {
  return { query: (_name, text, values) => m.query(text, values) };
}

/** Either kind of transaction handle as a Queryable: a TypeORM one (unnamed statements) or Sql's (prepared). */
export function asQueryable(m: EntityManager | Queryable): Queryable {
  return m instanceof EntityManager ? fromEntityManager(m) : m;
}

/** A Queryable as a plain `query(text, values)` runner (the outbox's `OutboxTx`), unnamed statements. */
export function toTextRunner(q: Queryable): { query(text: string, values?: unknown[]): Promise<unknown> } {
  return { query: (text, values) => q.query('', text, values) };
}

/**
 * Named prepared statements on TypeORM's own pg pool, for the hot paths (current session, refresh,
 * sign-in lookups): PostgreSQL parses and plans each once per connection, which measured about
 * 4x the throughput of TypeORM's unnamed `query()` here. Everything else stays on TypeORM.
 */
@Injectable()
export class Sql implements Queryable {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<T = Record<string, unknown>>(name: string, text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query({ name, text, values })).rows as T[];
  }

  /**
   * BEGIN … COMMIT on one pooled connection; ROLLBACK and rethrow on any error.
   * While checked out, a connection's 'error' event goes to the client, not to the pool: without a
   * listener a connection lost mid-transaction (a failover, pg_terminate_backend) would be an
   * unhandled 'error' event and kill the process. Here it fails this transaction only, and the
   * broken connection is destroyed instead of going back to the pool.
   */
  async transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
    };
    client.on('error', onError);
    const q: Queryable = { query: async (name, text, values = []) => (await client.query({ name, text, values })).rows };
    try {
      await client.query('BEGIN');
      const out = await fn(q);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      if (!lost) await client.query('ROLLBACK').catch((e: Error) => (lost = e));
      throw err;
    } finally {
      client.removeListener('error', onError);
      // A connection that failed (or whose ROLLBACK failed) is discarded, never reused.
      client.release(lost ?? undefined);
    }
  }
}
