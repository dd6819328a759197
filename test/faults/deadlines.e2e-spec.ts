import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { Pool, type PoolClient } from 'pg';
import { BaseEnv, configProblems, isDependencyUnavailable, poolOptions, requestPathRedisOptions, WithDatabase, WithRedis } from '@app/core';
import { MailerConfig } from '../../apps/mailer/src/mailer.config.js';
import { MailTransport } from '../../apps/mailer/src/transport/mail-transport.js';
import { stackEnv } from '../harness/env.js';

/**
 * Every bounded wait, against real servers: each DB_*, REDIS_* and SMTP_* deadline ends a wait that
 * would otherwise hang, with an error the error filter turns into 503 (or a mail job retries).
 * Stalled peers are local TCP servers that accept and then say nothing (or stop answering).
 */
jest.setTimeout(60_000);

class Env extends WithRedis(WithDatabase(BaseEnv)) {}
const env = stackEnv();
const config = (over: Record<string, string>) => {
  const { config: c, problems } = configProblems(Env, { ...env, ...over });
  if (problems.length) throw new Error(problems.join('; '));
  return c;
};

/** A TCP server on 127.0.0.1 that accepts connections and hands each socket to `onSocket`. */
async function tcpServer(onSocket: (s: Socket) => void = () => undefined): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const failure = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('deadlines: PostgreSQL (DB_*)', () => {
  const pools: Pool[] = [];
  const pool = (over: Record<string, string>) => {
    const c = config(over);
    // The apps' own pool settings (what TypeORM gets), plus where to connect.
    const p = new Pool({
      host: c.DB_HOST,
      port: c.DB_PORT,
      user: c.DB_USER,
      password: c.DB_PASSWORD,
      database: c.DB_NAME,
      ...poolOptions(c, 'deadlines-test'),
    });
    p.on('error', () => undefined);
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  });

  it('DB_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a longer statement (57014, a 503)', async () => {
    const err = await failure(pool({ DB_STATEMENT_TIMEOUT_MS: '300' }).query('SELECT pg_sleep(30)'));
    expect((err as { code?: string }).code).toBe('57014');
    expect(isDependencyUnavailable(err)).toBe(true);
  });

  it('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: PostgreSQL ends a session left idle in a transaction, and the process survives', async () => {
    const p = pool({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' });
    const client: PoolClient = await p.connect();
    await client.query('BEGIN');
    // No listener of ours on the client: the server's FATAL must not become an unhandled 'error'.
    await new Promise((r) => setTimeout(r, 1500));
    const err = await failure(client.query('SELECT 1'));
    client.release(err as Error);
    expect(isDependencyUnavailable(err)).toBe(true);
    expect((await p.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
  });

  it('DB_CONNECT_TIMEOUT_MS: waiting for a free pooled connection ends (a 503)', async () => {
    const p = pool({ DB_CONNECT_TIMEOUT_MS: '300', DB_POOL_SIZE: '1' });
    const held = await p.connect();
    try {
      const err = await failure(p.connect());
      expect((err as Error).message).toBe('timeout exceeded when trying to connect');
      expect(isDependencyUnavailable(err)).toBe(true);
    } finally {
      held.release();
    }
  });

  it('DB_CONNECT_TIMEOUT_MS: a server that accepts and never answers ends the connect (a 503)', async () => {
    const silent = await tcpServer();
    try {
      const err = await failure(pool({ DB_PORT: String(silent.port), DB_CONNECT_TIMEOUT_MS: '300' }).query('SELECT 1'));
      expect({ message: (err as Error).message, unavailable: isDependencyUnavailable(err) }).toEqual({
        message: expect.stringMatching(/timeout/i),
        unavailable: true,
      });
    } finally {
      await silent.close();
    }
  });
});

describe('deadlines: Redis (REDIS_*)', () => {
  it('REDIS_COMMAND_TIMEOUT_MS: a request-path command to a Redis that stops answering fails (a 503 or the in-memory fallback)', async () => {
    // Answers the ready check (INFO), then nothing.
    const stalled = await tcpServer((s) =>
      s.on('data', (d) => {
        if (/INFO/i.test(d.toString())) {
          const info = 'redis_version:7.0.0\r\nloading:0\r\n';
          s.write(`$${info.length}\r\n${info}\r\n`);
        }
      }),
    );
    const redis = new Redis(requestPathRedisOptions(config({ REDIS_PORT: String(stalled.port), REDIS_COMMAND_TIMEOUT_MS: '300' })));
    redis.on('error', () => undefined);
    try {
      await new Promise<void>((r) => redis.once('ready', () => r()));
      const err = await failure(redis.get('k'));
      expect((err as Error).message).toBe('Command timed out');
      expect(isDependencyUnavailable(err)).toBe(true);
    } finally {
      redis.disconnect();
      await stalled.close();
    }
  });

  it('REDIS_CONNECT_TIMEOUT_MS: a Redis that accepts and never answers fails commands at once instead of queueing them', async () => {
    const silent = await tcpServer();
    const errors: string[] = [];
    const redis = new Redis(requestPathRedisOptions(config({ REDIS_PORT: String(silent.port), REDIS_CONNECT_TIMEOUT_MS: '300' })));
    redis.on('error', (e: Error) => errors.push(e.message));
    try {
      const err = await failure(redis.get('k'));
      expect(isDependencyUnavailable(err)).toBe(true);
      // The connect attempt itself is abandoned after the deadline (and retried in the background).
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (errors.some((m) => /ETIMEDOUT|timed? ?out/i.test(m))) {
            clearInterval(t);
            resolve();
          }
        }, 50);
        setTimeout(() => {
          clearInterval(t);
          reject(new Error(`no connect timeout reported: ${errors.join(' | ')}`));
        }, 20_000);
      });
    } finally {
      redis.disconnect();
      await silent.close();
    }
  });
});

describe('deadlines: SMTP (SMTP_*)', () => {
  const transport = (port: number, over: Record<string, string>) => {
    const { config: c, problems } = configProblems(MailerConfig, {
      NODE_ENV: 'test',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      ...over,
    });
    if (problems.length) throw new Error(problems.join('; '));
    return new MailTransport(c);
  };
  const mail = { messageId: '<deadline@test>', to: 'someone@example.com', subject: 's', html: '<p>h</p>', text: 't', headers: {} };

  it('SMTP_GREETING_TIMEOUT_MS: a server that never greets fails the send (the job is retried)', async () => {
    const silent = await tcpServer();
    const t = transport(silent.port, {
      SMTP_GREETING_TIMEOUT_MS: '300',
      SMTP_CONNECTION_TIMEOUT_MS: '5000',
      SMTP_SOCKET_TIMEOUT_MS: '30000',
    });
    try {
      const err = await failure(t.send(mail));
      expect(String((err as Error).message)).toMatch(/greeting/i);
    } finally {
      t.close();
      await silent.close();
    }
  });

  it('SMTP_SOCKET_TIMEOUT_MS: a server that greets and then goes silent fails the send', async () => {
    const mute = await tcpServer((s) => s.write('220 mute.test ESMTP\r\n'));
    const t = transport(mute.port, { SMTP_GREETING_TIMEOUT_MS: '5000', SMTP_SOCKET_TIMEOUT_MS: '500' });
    try {
      const err = await failure(t.send(mail));
      expect(String((err as Error).message)).toMatch(/timeout/i);
    } finally {
      t.close();
      await mute.close();
    }
  });
});
