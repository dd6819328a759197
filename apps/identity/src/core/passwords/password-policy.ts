import type { AuthConfig } from '../auth-config/auth-config.repository.js';

/** Unicode passwords are compared in NFKC form, so the same password typed on another keyboard matches. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/** The password rules of the project's auth config (also published by GET /api/auth/public-config). */
export type PasswordPolicy = Pick<
  AuthConfig,
  'passwordMinLength' | 'requireNumber' | 'requireLowercase' | 'requireUppercase' | 'requireSpecialChar'
>;

/** Which rule of the policy a password meets (true also when the policy does not ask for it). */
export interface PasswordRules {
  minimumLength: boolean;
  number: boolean;
  lowercase: boolean;
  uppercase: boolean;
  specialCharacter: boolean;
}

/**
 * The one password policy of every front door: InsForge's sign-up and reset report its failures
 * in words (passwordPolicyProblem), Gorb's register as flags; both from these results. Counts
 * characters (code points), not UTF-16 units; letters, digits and "special" are Unicode classes,
 * so a password in any script is judged the same way. Pass the NFKC form (normalizePassword).
 */
export function checkPasswordPolicy(password: string, c: PasswordPolicy): PasswordRules {
  return {
    minimumLength: [...password].length >= c.passwordMinLength,
    number: !c.requireNumber || /\p{Nd}/u.test(password),
    lowercase: !c.requireLowercase || /\p{Ll}/u.test(password),
    uppercase: !c.requireUppercase || /\p{Lu}/u.test(password),
    specialCharacter: !c.requireSpecialChar || /[^\p{L}\p{Nd}\s]/u.test(password),
  };
}

/**
 * The policy's verdict in InsForge's words, e.g. "Password must contain at least 8 characters
 * long, at least one number", or null when the password passes.
 */
export function passwordPolicyProblem(password: string, c: PasswordPolicy): string | null {
  const r = checkPasswordPolicy(password, c);
  const missing: string[] = [];
  if (!r.minimumLength) missing.push(`at least ${c.passwordMinLength} characters long`);
  if (!r.number) missing.push('at least one number');
  if (!r.lowercase) missing.push('at least one lowercase letter');
  if (!r.uppercase) missing.push('at least one uppercase letter');
  if (!r.specialCharacter) missing.push('at least one special character');
  return missing.length ? `Password must contain ${missing.join(', ')}` : null;
}
