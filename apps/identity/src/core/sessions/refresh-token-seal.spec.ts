import { randomToken } from '../common/secrets.js';
import { sealSuccessor, unsealSuccessor } from './refresh-token-seal.js';

describe('refresh-token seal', () => {
  it('only the holder of the rotated token recovers its successor', () => {
    const parent = randomToken();
    const child = randomToken();
    const sealed = sealSuccessor(parent, child);
    expect(sealed.toString('utf8')).not.toContain(child);
    expect(unsealSuccessor(parent, sealed)).toBe(child);
    expect(unsealSuccessor(randomToken(), sealed)).toBeNull();
  });

  it('refuses a tampered box', () => {
    const parent = randomToken();
    const sealed = sealSuccessor(parent, randomToken());
    sealed[sealed.length - 20] ^= 1;
    expect(unsealSuccessor(parent, sealed)).toBeNull();
  });
});
