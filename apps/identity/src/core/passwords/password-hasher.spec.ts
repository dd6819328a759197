import { register } from 'prom-client';
import { IdentityConfig } from '../config/identity.config.js';
import { PasswordHasher } from './password-hasher.js';
import { hashLabels, passwordVerifications } from './password.metrics.js';

const config = Object.assign(new IdentityConfig(), { PASSWORD_ARGON2_MEMORY_KIB: 8192, PASSWORD_ARGON2_TIME_COST: 1 });
const COST = 'm=8192,t=1,p=1';

async function count(labels: { algorithm: string; cost: string }): Promise<number> {
  const metric = await passwordVerifications.get();
  return metric.values.find((v) => v.labels.algorithm === labels.algorithm && v.labels.cost === labels.cost)?.value ?? 0;
}

describe('PasswordHasher', () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = new PasswordHasher(config);
    await hasher.onModuleInit();
  });
  afterAll(() => register.removeSingleMetric('identity_password_verifications_total'));

  it('an unknown account (no hash) costs one argon2id verification of the configured cost, like a wrong password', async () => {
    const stored = await hasher.hash('right');
    const before = await count({ algorithm: 'argon2id', cost: COST });
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(await count({ algorithm: 'argon2id', cost: COST })).toBe(before + 1);
    expect(await hasher.verify(stored, 'wrong')).toBe(false);
    expect(await count({ algorithm: 'argon2id', cost: COST })).toBe(before + 2);
    expect(await hasher.verify(stored, 'right')).toBe(true);
    expect(await count({ algorithm: 'argon2id', cost: COST })).toBe(before + 3);
  });

  it('labels hashes by algorithm and cost', () => {
    expect(hashLabels('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toEqual({ algorithm: 'argon2id', cost: 'm=19456,t=2,p=1' });
    expect(hashLabels('$2b$12$abcdefghijklmnopqrstuv')).toEqual({ algorithm: 'bcrypt', cost: '12' });
    expect(hashLabels('garbage')).toEqual({ algorithm: 'unknown', cost: 'unknown' });
  });
});
