import type { DataSource } from 'typeorm';
import { Sql } from './sql.js';

/** A DataSource whose QueryRunner hands out a fake pg client that records every statement. */
function fakeDataSource(fail?: (text: string) => boolean) {
  const log: string[] = [];
  let released = 0;
  let ended = 0;
  const client = {
    end: jest.fn(async () => void ended++),
    query: jest.fn(async (q: string | { name?: string; text: string }) => {
      const text = typeof q === 'string' ? q : q.text;
      log.push(typeof q === 'string' || !q.name ? text : `${q.name}: ${text}`);
      if (fail?.(text)) throw new Error(`failed: ${text}`);
      return { rows: [{ ok: true }] };
    }),
  };
  const dataSource = {
    createQueryRunner: () => ({ connect: async () => client, release: async () => void released++ }),
  } as unknown as DataSource;
  return { sql: new Sql(dataSource), log, released: () => released, ended: () => ended };
}

describe('Sql', () => {
  it('runs a named statement as a prepared one, an unnamed one as is, and releases the connection', async () => {
    const db = fakeDataSource();
    expect(await db.sql.query('user-by-id', 'SELECT 1', [])).toEqual([{ ok: true }]);
    await db.sql.query('', 'SELECT 2');
    expect(db.log).toEqual(['user-by-id: SELECT 1', 'SELECT 2']);
    expect(db.released()).toBe(2);
  });

  it('runs after-commit hooks once COMMIT is done, in order, each key once at its last place', async () => {
    const db = fakeDataSource();
    const ran: string[] = [];
    await db.sql.transaction(async (tx) => {
      tx.afterCommit(() => ran.push('kick'), 'outbox');
      tx.afterCommit(() => ran.push('arm'));
      await tx.query('w', 'UPDATE x');
      tx.afterCommit(() => ran.push('kick again'), 'outbox');
      expect(ran).toEqual([]);
    });
    expect(db.log).toEqual(['BEGIN', 'w: UPDATE x', 'COMMIT']);
    expect(ran).toEqual(['arm', 'kick again']);
  });

  it('runs no hook after a ROLLBACK, and rethrows', async () => {
    const db = fakeDataSource();
    const hook = jest.fn();
    await expect(
      db.sql.transaction(async (tx) => {
        tx.afterCommit(hook);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(db.log).toEqual(['BEGIN', 'ROLLBACK']);
    expect(hook).not.toHaveBeenCalled();
    expect(db.released()).toBe(1);
  });

  it('a connection whose statement or ROLLBACK failed is closed, so the pool does not reuse it', async () => {
    const lost = fakeDataSource((text) => text.startsWith('SELECT'));
    await expect(lost.sql.query('q', 'SELECT 1')).rejects.toThrow('failed');
    expect(lost.ended()).toBe(1);
    const broken = fakeDataSource((text) => text === 'UPDATE x' || text === 'ROLLBACK');
    await expect(broken.sql.transaction((tx) => tx.query('', 'UPDATE x'))).rejects.toThrow('failed: UPDATE x');
    expect(broken.ended()).toBe(1);
    expect(broken.released()).toBe(1);
    const healthy = fakeDataSource((text) => text === 'UPDATE x');
    await expect(healthy.sql.transaction((tx) => tx.query('', 'UPDATE x'))).rejects.toThrow('failed: UPDATE x');
    expect(healthy.ended()).toBe(0);
  });

  it('a failed COMMIT rolls back and runs no hook', async () => {
    const db = fakeDataSource((text) => text === 'COMMIT');
    const hook = jest.fn();
    await expect(db.sql.transaction(async (tx) => tx.afterCommit(hook))).rejects.toThrow('failed: COMMIT');
    expect(hook).not.toHaveBeenCalled();
  });

  it('a failing hook does not undo the committed answer, and the next hooks still run', async () => {
    const db = fakeDataSource();
    const next = jest.fn();
    const out = await db.sql.transaction(async (tx) => {
      tx.afterCommit(() => {
        throw new Error('redis away');
      });
      tx.afterCommit(next);
      return 42;
    });
    expect(out).toBe(42);
    expect(next).toHaveBeenCalledTimes(1);
  });
});
