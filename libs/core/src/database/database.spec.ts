import { BaseEnv, WithDatabase, WithRedis } from '../config/common.env.js';
import { configProblems } from '../config/load-config.js';
import { requestPathRedisOptions, redisOptions } from '../redis/redis.module.js';
import { GuardedPgClient, poolOptions } from './database.js';

class Env extends WithRedis(WithDatabase(BaseEnv)) {}

describe('bounded waits on the data stores', () => {
  it('bounds every PostgreSQL wait by default', () => {
    const { config, problems } = configProblems(Env, {});
    expect(problems).toEqual([]);
    expect(poolOptions(config, 'identity')).toEqual({
      max: 10,
      application_name: 'identity',
      connectionTimeoutMillis: 3000,
      statement_timeout: 5000,
      idle_in_transaction_session_timeout: 10_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      Client: GuardedPgClient,
    });
  });

  it('takes each PostgreSQL deadline from DB_* variables', () => {
    const { config } = configProblems(Env, {
      DB_CONNECT_TIMEOUT_MS: '700',
      DB_STATEMENT_TIMEOUT_MS: '1500',
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2500',
      DB_POOL_SIZE: '4',
    });
    expect(poolOptions(config, 'profiles')).toMatchObject({
      max: 4,
      connectionTimeoutMillis: 700,
      statement_timeout: 1500,
      idle_in_transaction_session_timeout: 2500,
    });
  });

  it('refuses an unbounded or absurd deadline', () => {
    const { problems } = configProblems(Env, {
      DB_STATEMENT_TIMEOUT_MS: '0',
      DB_CONNECT_TIMEOUT_MS: 'soon',
      REDIS_COMMAND_TIMEOUT_MS: '-1',
    });
    expect(problems.map((p: string) => p.split(':')[0]).sort()).toEqual([
      'DB_CONNECT_TIMEOUT_MS',
      'DB_STATEMENT_TIMEOUT_MS',
      'REDIS_COMMAND_TIMEOUT_MS',
    ]);
  });

  it('bounds Redis connects everywhere and commands on the request path only', () => {
    const { config } = configProblems(Env, { REDIS_CONNECT_TIMEOUT_MS: '900', REDIS_COMMAND_TIMEOUT_MS: '300' });
    expect(redisOptions(config)).toMatchObject({ connectTimeout: 900 });
    expect(redisOptions(config).commandTimeout).toBeUndefined(); // BullMQ blocks on purpose
    expect(requestPathRedisOptions(config)).toMatchObject({ connectTimeout: 900, commandTimeout: 300, enableOfflineQueue: false });
    const { config: defaults } = configProblems(Env, {});
    expect(requestPathRedisOptions(defaults)).toMatchObject({ connectTimeout: 5000, commandTimeout: 1000 });
  });
});

describe('GuardedPgClient', () => {
  it('survives an error event emitted while no borrower listens (the pool detaches its own listener on checkout)', () => {
    const client = new GuardedPgClient({ host: '127.0.0.1' });
    expect(() => client.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
  });
});
