import { normalizePassword, passwordPolicyProblem } from './password-policy.js';

const policy = { passwordMinLength: 8, requireNumber: false, requireLowercase: false, requireUppercase: false, requireSpecialChar: false };

describe('password policy', () => {
  it('reports what is missing in InsForge words', () => {
    expect(passwordPolicyProblem('short', policy)).toBe('Password must contain at least 8 characters long');
    expect(passwordPolicyProblem('abcdefgh', { ...policy, requireNumber: true, requireUppercase: true })).toBe(
      'Password must contain at least one number, at least one uppercase letter',
    );
    expect(
      passwordPolicyProblem('Abcdefg1!', {
        ...policy,
        requireNumber: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSpecialChar: true,
      }),
    ).toBeNull();
  });

  it('counts characters, not UTF-16 units, and accepts spaces and Unicode', () => {
    expect(passwordPolicyProblem('🔑🔑🔑🔑🔑🔑🔑🔑', policy)).toBeNull();
    expect(passwordPolicyProblem('🔑🔑🔑🔑', policy)).not.toBeNull();
    expect(passwordPolicyProblem('correct horse battery', policy)).toBeNull();
  });

  it('normalises to NFKC so compatibility forms match', () => {
    expect(normalizePassword('ﬁnal Ⅸ')).toBe('final IX');
    expect(normalizePassword('e\u0301')).toBe('é');
  });
});
