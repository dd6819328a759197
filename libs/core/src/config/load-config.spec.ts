import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseEnv, SecretWithDevelopmentDefault, WithRedis } from './common.env.js';
import { configProblems } from './load-config.js';

class TestEnv extends WithRedis(BaseEnv) {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) PORT = 3000;
  @SecretWithDevelopmentDefault(['dev-secret-value']) SECRET = 'dev-secret-value';
}

describe('configProblems', () => {
  it('applies defaults when nothing is set (but NODE_ENV says development)', () => {
    const { config, problems } = configProblems(TestEnv, { NODE_ENV: 'development' });
    expect(problems).toEqual([]);
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_PORT).toBe(6379);
  });

  it('fails closed: unset NODE_ENV is production, where development secrets are refused', () => {
    const unset = configProblems(TestEnv, {});
    expect(unset.config.NODE_ENV).toBe('production');
    expect(unset.problems).toEqual([expect.stringMatching(/^SECRET: is a published development value/)]);
    expect(configProblems(TestEnv, { NODE_ENV: 'production', SECRET: 'dev-secret-value' }).problems).toHaveLength(1);
    expect(configProblems(TestEnv, { NODE_ENV: 'test' }).problems).toEqual([]);
    expect(configProblems(TestEnv, { SECRET: 'my-own-secret' }).problems).toEqual([]);
    for (const p of unset.problems) expect(p).not.toContain('dev-secret-value');
  });

  it('converts numbers and treats empty strings as unset', () => {
    const { config, problems } = configProblems(TestEnv, { NODE_ENV: 'test', PORT: '8081', REDIS_PASSWORD: '' });
    expect(problems).toEqual([]);
    expect(config.PORT).toBe(8081);
    expect(config.REDIS_PASSWORD).toBeUndefined();
  });

  it('reports every bad variable at once by name, never with its value', () => {
    const { problems } = configProblems(TestEnv, { PORT: 'abc-secret', REDIS_PORT: '70000', NODE_ENV: 'staging', SECRET: 'x' });
    expect(problems.map((p: string) => p.split(':')[0]).sort()).toEqual(['NODE_ENV', 'PORT', 'REDIS_PORT']);
    for (const p of problems) expect(p).not.toMatch(/abc-secret|70000|staging/);
  });
});
