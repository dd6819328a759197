import { type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client, type ClientConfig } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type { DatabaseConfig } from '../config/common.env.js';

export interface SchemaOptions {
  /** the app's own schema: no app reads another app's schema */
  schema: string;
  app: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

export function dataSourceOptions(c: DatabaseConfig, o: SchemaOptions): DataSourceOptions {
  return {
    type: 'postgres',
    host: c.DB_HOST,
    port: c.DB_PORT,
    username: c.DB_USER,
    password: c.DB_PASSWORD,
    database: c.DB_NAME,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    // Reviewed migrations only, run as an explicit step (`main.js migrate`), never at boot.
    synchronize: false,
    migrationsRun: false,
    // UUIDs come from PostgreSQL's built-in gen_random_uuid() (see the migrations). The app and
    // migrator roles may not CREATE EXTENSION, so TypeORM's attempt would only warn at every boot.
    installExtensions: false,
    logging: ['error', 'warn'],
    extra: poolOptions(c, o.app),
  };
}

/**
 * A node-postgres client that always has an 'error' listener. While a client is checked out (a
 * transaction, a query runner), node-postgres emits connection errors (a restart, a failover,
 * pg_terminate_backend) on the client itself, and pg-pool's own listener is detached: with no
 * listener of the borrower's at that moment, the 'error' event is unhandled and kills the process.
 * The error also fails the query in flight and marks the client unusable, so the request fails
 * (503) and the pool discards the client on release; this listener only keeps the process alive.
 */
export class GuardedPgClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/**
 * node-postgres pool settings: every wait is bounded, so a database that is away, full or stalled
 * turns into a quick 503 (see the error filter) instead of requests piling up.
 * - connectionTimeoutMillis bounds both opening a connection and waiting for a free pooled one;
 * - statement_timeout and idle_in_transaction_session_timeout are enforced by PostgreSQL itself,
 *   so a statement stuck behind a lock is cancelled and a forgotten transaction releases its locks;
 * - TCP keep-alive notices a peer that vanished without closing (a failover, a dead host).
 */
export function poolOptions(c: DatabaseConfig, app: string) {
  return {
    max: c.DB_POOL_SIZE,
    application_name: app,
    connectionTimeoutMillis: c.DB_CONNECT_TIMEOUT_MS,
    statement_timeout: c.DB_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: c.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    Client: GuardedPgClient,
  };
}

export function databaseModule(c: DatabaseConfig, o: SchemaOptions): DynamicModule {
  return TypeOrmModule.forRoot({
    ...dataSourceOptions(c, o),
    // Keep trying in the background instead of failing the boot when Postgres starts late.
    retryAttempts: 30,
    retryDelay: 1000,
  });
}

/**
 * Runs the app's pending migrations in its own schema and exits. Serialised with an advisory lock
 * so two migrators (a Job and a developer) never interleave.
 */
export async function runMigrations(c: DatabaseConfig, o: SchemaOptions, log: (m: string) => void = console.log): Promise<void> {
  const options = dataSourceOptions(c, o);
  // A migration may rewrite a big table and waits for the advisory lock: no statement deadline.
  const ds = new DataSource({ ...options, extra: { ...options.extra, statement_timeout: 0 }, migrationsTransactionMode: 'each' });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${o.schema}`]);
    // PostgreSQL checks CREATE on the database before IF NOT EXISTS: a least-privilege migrator
    // owns its provisioned schema (scripts/provision-db.sql) but may not create schemas.
    const [present] = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [o.schema])) as unknown[];
    if (!present) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${o.schema}"`);
    const done = await ds.runMigrations({ transaction: 'each' });
    log(`${o.app}: ${done.length} migration(s) applied${done.length ? ': ' + done.map((m) => m.name).join(', ') : ''}`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${o.schema}`]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}
