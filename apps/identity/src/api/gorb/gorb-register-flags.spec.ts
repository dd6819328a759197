import * as fc from 'fast-check';
import { checkPasswordPolicy, passwordPolicyProblem } from '../../core/passwords/password-policy.js';
import { gorbPasswordFlags } from './gorb.service.js';

const policies = fc.record({
  passwordMinLength: fc.integer({ min: 1, max: 16 }),
  requireNumber: fc.boolean(),
  requireLowercase: fc.boolean(),
  requireUppercase: fc.boolean(),
  requireSpecialChar: fc.boolean(),
});

describe("Gorb's register flags come from the password policy of InsForge's sign-up", () => {
  it('maps each rule to its flag (letters = lower and upper case)', () => {
    const all = { passwordMinLength: 8, requireNumber: true, requireLowercase: true, requireUppercase: true, requireSpecialChar: true };
    expect(gorbPasswordFlags(checkPasswordPolicy('abc', all))).toEqual({
      password_minimum_length: false,
      password_special_characters: false,
      password_letters: false,
      password_numbers: false,
    });
    expect(gorbPasswordFlags(checkPasswordPolicy('abcdefgh1', all)).password_letters).toBe(false);
    expect(gorbPasswordFlags(checkPasswordPolicy('Abcdefg1!', all))).toEqual({
      password_minimum_length: true,
      password_special_characters: true,
      password_letters: true,
      password_numbers: true,
    });
  });

  it('a password passes Gorb register exactly when InsForge sign-up accepts it, for any policy', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), policies, (password, p) => {
        const gorbOk = Object.values(gorbPasswordFlags(checkPasswordPolicy(password, p))).every(Boolean);
        expect(gorbOk).toBe(passwordPolicyProblem(password, p) === null);
      }),
    );
  });
});
