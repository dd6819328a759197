import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_JOB_OPTIONS, type JobName, type JobPayload, type QueueName } from '@app/contracts';
import { Sql, type Tx } from '../database/sql.js';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');
const PURGE_EVERY_MS = 3600_000;
export interface OutboxOptions {
  /** schema holding the `outbox` table (each app has its own) */
  schema: string;
  pollMs?: number;
}

/** SQL for an app's outbox table; each app's migration creates it in its own schema. */
export function outboxTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "id" uuid PRIMARY KEY,
      "queue" text NOT NULL,
      "job_name" text NOT NULL,
      "payload" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz,
      "attempts" integer NOT NULL DEFAULT 0,
      "last_error" text
    )`,
    `CREATE INDEX "outbox_unpublished_idx" ON "${schema}"."outbox" ("created_at") WHERE "published_at" IS NULL`,
  ];
}

/**
 * Transactional outbox: a job is written in the same Postgres transaction as the state change that
 * causes it, then relayed to BullMQ. If Redis is away the rows wait and go out once it is back;
 * the outbox id is the BullMQ job id, so a re-relayed row is not a second job.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Outbox');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;
  private lastPurge = 0;
  private readonly table: string;
  private readonly sql: Sql;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {
    this.table = `"${options.schema}"."outbox"`;
    this.sql = new Sql(dataSource);
  }

  /**
   * Records a job inside the caller's transaction; returns its id (also the job id). The relay is
   * nudged once after the commit (never before: the row would not be visible yet).
   */
  async add<Q extends QueueName, N extends JobName<Q>>(
    tx: Tx,
    queue: Q,
    name: N,
    payload: (id: string) => JobPayload<Q, N>,
  ): Promise<string> {
    const id = randomUUID();
    await tx.query('', `INSERT INTO ${this.table} (id, queue, job_name, payload) VALUES ($1, $2, $3, $4)`, [
      id,
      queue,
      name,
      JSON.stringify(payload(id)),
    ]);
    tx.afterCommit(() => this.kick(), this);
    return id;
  }

  /** Asks the relay to run now (after a commit) instead of at its next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relay().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  onApplicationBootstrap(): void {
    const poll = () => {
      this.kick();
      this.timer = setTimeout(poll, this.options.pollMs ?? 1000);
      this.timer.unref();
    };
    poll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Relays unpublished rows in order; returns how many went out. */
  async relay(batch = 100): Promise<number> {
    let sent = 0;
    try {
      await this.sql.transaction(async (tx) => {
        const rows = await tx.query<{ id: string; queue: QueueName; job_name: string; payload: unknown }>(
          '',
          `SELECT id, queue, job_name, payload FROM ${this.table} WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batch],
        );
        const published: string[] = [];
        for (const row of rows) {
          try {
            await withTimeout(this.queue(row.queue).add(row.job_name, row.payload, { ...DEFAULT_JOB_OPTIONS, jobId: row.id }), 3000);
            published.push(row.id);
          } catch (err) {
            await tx.query('', `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
              row.id,
              String(err).slice(0, 500),
            ]);
            this.logger.warn(`outbox: ${row.queue}/${row.job_name} ${row.id} not relayed yet: ${(err as Error).message}`);
            break; // Redis is away: keep order, retry at the next poll
          }
        }
        if (published.length) await tx.query('', `UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1)`, [published]);
        sent = published.length;
      });
      if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        // Published rows are kept a day for inspection, then dropped.
        await this.sql.query('', `DELETE FROM ${this.table} WHERE published_at < now() - interval '1 day'`);
      }
    } catch (err) {
      this.logger.warn(`outbox relay failed: ${(err as Error).message}`);
    }
    if (sent === batch) this.again = true;
    return sent;
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}
