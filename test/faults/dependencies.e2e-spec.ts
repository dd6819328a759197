import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { ANON_KEY, DATA, DB_NAME, MANAGEMENT_URL } from '../harness/env.js';
import { call, randomEmail, randomIp } from '../harness/http.js';
import { faultPg } from '../harness/pg-cluster.js';
import { redis, waitFor } from '../harness/stack.js';
import {
  aliveNow,
  allAlive,
  Burst,
  fullServiceReturns,
  httpStatus,
  nothingLost,
  PASSWORD,
  pause,
  useFaultDatabase,
  useSharedDatabase,
} from './support.js';

/**
 * Real faults under load, on a PostgreSQL cluster of the suite's own (test/harness/pg-cluster.ts):
 * identity and profiles are pointed at it for this file and back at the shared one afterwards.
 * Each case asserts: no app process exits, every answer is 2xx or 503 with Retry-After (never a
 * 500 or a reset), nothing acknowledged is lost, and full service returns once the fault ends.
 */
jest.setTimeout(240_000);

const CLIENTS = 6;

async function assertSurvived(burst: Burst, fault: string): Promise<void> {
  process.stdout.write(`${fault}: ${JSON.stringify(burst.summary())} alive: ${JSON.stringify(aliveNow())}\n`);
  expect(allAlive()).toBe(true);
  expect(burst.bad()).toEqual([]);
  await fullServiceReturns();
  await nothingLost(burst);
}

describe('faults: dependencies fail under load, the platform answers 503 and recovers', () => {
  beforeAll(async () => {
    await useFaultDatabase();
  }, 240_000);

  afterAll(async () => {
    await faultPg.start().catch(() => undefined);
    if (!redis.ping()) {
      redis.start();
      await redis.waitUp();
    }
    await useSharedDatabase();
  }, 240_000);

  it('PostgreSQL restarted in the middle of a burst of sign-ups, refreshes, profile writes and sends', async () => {
    const burst = new Burst().start(CLIENTS);
    await burst.answers(40);
    await faultPg.restart();
    await burst.answers(60);
    await burst.stop();
    await assertSurvived(burst, 'postgres restart');
  });

  it('every backend of the apps terminated 20 times, 250 ms apart, under load (pg_terminate_backend)', async () => {
    const burst = new Burst().start(CLIENTS);
    await burst.answers(20);
    let terminated = 0;
    for (let i = 0; i < 20; i++) {
      terminated += await faultPg.terminateAppBackends();
      await pause(250);
    }
    expect(terminated).toBeGreaterThan(0);
    await burst.answers(20);
    await burst.stop();
    await assertSurvived(burst, 'pg_terminate_backend');
  });

  it('the database refusing new connections (max_connections reached): 503 with Retry-After, readiness down, liveness up, JWKS and public config still served', async () => {
    const holders: Client[] = [];
    // public-config is served from its last answer while the database is away: have one.
    expect((await call('GET', '/api/auth/public-config')).status).toBe(200);
    try {
      // Take every free slot, dropping the apps' own connections until they hold none.
      for (let round = 0; round < 30; round++) {
        for (;;) {
          const c = faultPg.appRole();
          try {
            await c.connect();
            holders.push(c);
          } catch (err) {
            expect((err as { code?: string }).code).toBe('53300'); // too many connections
            break;
          }
        }
        const held = await faultPg.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name IN ('identity', 'profiles')`,
          [DB_NAME],
        );
        if (held[0]!.n === 0) break;
        await faultPg.terminateAppBackends();
      }
      await waitFor(async () => (await httpStatus(MANAGEMENT_URL.identity, '/health/ready')) === 503, 30_000, 'identity unready');
      await waitFor(async () => (await httpStatus(MANAGEMENT_URL.profiles, '/health/ready')) === 503, 30_000, 'profiles unready');
      expect(await httpStatus(MANAGEMENT_URL.identity, '/health/live')).toBe(200);
      expect(await httpStatus(MANAGEMENT_URL.profiles, '/health/live')).toBe(200);

      const burst = new Burst().start(CLIENTS);
      await burst.answers(30);
      await burst.stop();
      process.stdout.write(`max_connections: ${JSON.stringify(burst.summary())} alive: ${JSON.stringify(aliveNow())}\n`);
      expect(burst.bad()).toEqual([]);
      expect(burst.outcomes.some((o) => o.op === 'sign-up' && o.status === 503)).toBe(true);

      const up = await call('POST', '/api/auth/users', {
        body: { email: randomEmail('full'), password: PASSWORD },
        headers: { authorization: `Bearer ${ANON_KEY}` },
        ip: randomIp(),
      });
      expect(up.status).toBe(503);
      expect(up.body).toEqual({ error: 'SERVICE_UNAVAILABLE', message: expect.any(String), statusCode: 503 });
      expect(Number(up.headers.get('retry-after'))).toBeGreaterThan(0);
      const gorb = await call('POST', '/v1/login', { body: { identifier: 'someone', password: PASSWORD }, ip: randomIp() });
      expect(gorb.status).toBe(503);
      expect(gorb.body).toEqual({ message: expect.any(String) });
      expect(Number(gorb.headers.get('retry-after'))).toBeGreaterThan(0);
      // What needs no database still answers.
      expect((await call('GET', '/api/.well-known/jwks.json')).status).toBe(200);
      expect((await call('GET', '/api/auth/public-config')).status).toBe(200);
      expect(allAlive()).toBe(true);
    } finally {
      await Promise.all(holders.map((c) => c.end().catch(() => undefined)));
    }
    await fullServiceReturns();
  });

  it('a stalled database (the sessions table locked): requests time out into 503 instead of piling up', async () => {
    const locker = faultPg.superuser(DB_NAME);
    await locker.connect();
    try {
      // Clients in the middle of their journeys (signed in, writing profiles, refreshing) when the table locks.
      const burst = new Burst().start(CLIENTS);
      await burst.answers(20);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE identity.sessions IN ACCESS EXCLUSIVE MODE');
      // Every request sent while the lock is held gets its answer while it is still held.
      await burst.answers(40, 120_000);
      await burst.stop();
      const stillLocked = await faultPg.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'sessions' AND l.mode = 'AccessExclusiveLock' AND l.granted`,
      );
      expect(stillLocked[0]!.n).toBe(1);
      process.stdout.write(`stalled sessions table: ${JSON.stringify(burst.summary())} alive: ${JSON.stringify(aliveNow())}\n`);
      expect(burst.bad()).toEqual([]);
      expect(burst.outcomes.some((o) => o.status === 503)).toBe(true);
      expect(allAlive()).toBe(true);
      await locker.query('ROLLBACK');
      await assertSurvived(burst, 'stalled database');
    } finally {
      await locker.end().catch(() => undefined);
    }
  });

  it('Redis killed with SIGKILL under load: identity and profiles keep serving and stay ready; queued mail is delivered once it is back', async () => {
    // A production Redis behind BullMQ persists every write (AOF), or a crash loses queued jobs.
    redis.stop();
    rmSync(join(DATA, 'redis', 'aof'), { recursive: true, force: true });
    redis.start({ durable: true });
    await redis.waitUp();
    await fullServiceReturns();

    const burst = new Burst().start(CLIENTS);
    await burst.answers(20);
    redis.kill();
    await burst.answers(40);
    await waitFor(async () => (await httpStatus(MANAGEMENT_URL.mailer, '/health/ready')) === 503, 30_000, 'mailer unready');
    expect(await httpStatus(MANAGEMENT_URL.identity, '/health/ready')).toBe(200);
    expect(await httpStatus(MANAGEMENT_URL.profiles, '/health/ready')).toBe(200);
    expect(await httpStatus(MANAGEMENT_URL.mailer, '/health/live')).toBe(200);
    redis.start({ durable: true });
    await redis.waitUp();
    await burst.answers(20);
    await burst.stop();
    await assertSurvived(burst, 'redis SIGKILL');
    await waitFor(async () => (await httpStatus(MANAGEMENT_URL.mailer, '/health/ready')) === 200, 60_000, 'mailer ready');
    redis.stop();
    redis.start();
    await redis.waitUp();
  });
});
