import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** Something that runs SQL: the pool, a transaction's client, or a TypeORM transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(name: string, text: string, values?: unknown[]): Promise<T[]>;
}

/** A TypeORM transaction as a Queryable (unnamed statements), for code that already holds one. */
export function fromEntityManager(m: EntityManager): Queryable {
  return { query: (_name, text, values) => m.query(text, values) };
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

  /** BEGIN … COMMIT on one pooled connection; ROLLBACK and rethrow on any error. */
  async transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    const q: Queryable = { query: async (name, text, values = []) => (await client.query({ name, text, values })).rows };
    try {
      await client.query('BEGIN');
      const out = await fn(q);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
