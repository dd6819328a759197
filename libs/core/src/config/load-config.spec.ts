import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseEnv, WithRedis } from './common.env.js';
import { configProblems } from './load-config.js';

class TestEnv extends WithRedis(BaseEnv) {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) PORT = 3000;
}

describe('configProblems', () => {
  it('applies defaults when nothing is set', () => {
    const { config, problems } = configProblems(TestEnv, {});
    expect(problems).toEqual([]);
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_PORT).toBe(6379);
    expect(config.NODE_ENV).toBe('development');
  });

  it('converts numbers and treats empty strings as unset', () => {
    const { config, problems } = configProblems(TestEnv, { PORT: '8081', REDIS_PASSWORD: '' });
    expect(problems).toEqual([]);
    expect(config.PORT).toBe(8081);
    expect(config.REDIS_PASSWORD).toBeUndefined();
  });

  it('reports every bad variable at once, each with its value', () => {
    const { problems } = configProblems(TestEnv, { PORT: 'abc', REDIS_PORT: '70000', NODE_ENV: 'staging' });
    expect(problems.map((p: string) => p.split(':')[0]).sort()).toEqual(['NODE_ENV', 'PORT', 'REDIS_PORT']);
    expect(problems.find((p: string) => p.startsWith('PORT'))).toContain('"abc"');
  });
});
