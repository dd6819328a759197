import * as fc from 'fast-check';
import { checkPasswordPolicy, normalizePassword, passwordPolicyProblem } from './password-policy.js';

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

describe('checkPasswordPolicy (the one policy behind InsForge messages and Gorb flags)', () => {
  const all = { passwordMinLength: 10, requireNumber: true, requireLowercase: true, requireUppercase: true, requireSpecialChar: true };

  it('reports each rule, true for the rules the policy does not ask for', () => {
    expect(checkPasswordPolicy('short', policy)).toEqual({
      minimumLength: false,
      number: true,
      lowercase: true,
      uppercase: true,
      specialCharacter: true,
    });
    expect(checkPasswordPolicy('abcdefghij', all)).toEqual({
      minimumLength: true,
      number: false,
      lowercase: true,
      uppercase: false,
      specialCharacter: false,
    });
    expect(checkPasswordPolicy('Ab1!Ab1!Ab', all)).toEqual({
      minimumLength: true,
      number: true,
      lowercase: true,
      uppercase: true,
      specialCharacter: true,
    });
  });

  it('judges letters, digits and specials in any script', () => {
    expect(checkPasswordPolicy('Ωmega٣ß€xyz', all)).toEqual({
      minimumLength: true,
      number: true,
      lowercase: true,
      uppercase: true,
      specialCharacter: true,
    });
    // a space is not a special character
    expect(checkPasswordPolicy('Abcdefgh1 ', all).specialCharacter).toBe(false);
  });

  it('passwordPolicyProblem is null exactly when every rule holds, and names each failed one', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.record({
          passwordMinLength: fc.integer({ min: 1, max: 16 }),
          requireNumber: fc.boolean(),
          requireLowercase: fc.boolean(),
          requireUppercase: fc.boolean(),
          requireSpecialChar: fc.boolean(),
        }),
        (password, p) => {
          const rules = checkPasswordPolicy(password, p);
          const problem = passwordPolicyProblem(password, p);
          expect(problem === null).toBe(Object.values(rules).every(Boolean));
          expect(problem?.includes('characters long') ?? false).toBe(!rules.minimumLength);
          expect(problem?.includes('one number') ?? false).toBe(!rules.number);
          expect(problem?.includes('special character') ?? false).toBe(!rules.specialCharacter);
        },
      ),
    );
  });
});
