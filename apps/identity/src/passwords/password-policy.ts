import type { AuthConfig } from '../auth-config/auth-config.entity.js';

/** Unicode passwords are compared in NFKC form, so the same password typed on another keyboard matches. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/**
 * The project's password policy (auth config). Returns InsForge's message, e.g.
 * "Password must contain at least 8 characters long, at least one number", or null when it passes.
 */
export function passwordPolicyProblem(
  password: string,
  c: Pick<AuthConfig, 'passwordMinLength' | 'requireNumber' | 'requireLowercase' | 'requireUppercase' | 'requireSpecialChar'>,
): string | null {
  const missing: string[] = [];
  if ([...password].length < c.passwordMinLength) missing.push(`at least ${c.passwordMinLength} characters long`);
  if (c.requireNumber && !/\p{Nd}/u.test(password)) missing.push('at least one number');
  if (c.requireLowercase && !/\p{Ll}/u.test(password)) missing.push('at least one lowercase letter');
  if (c.requireUppercase && !/\p{Lu}/u.test(password)) missing.push('at least one uppercase letter');
  if (c.requireSpecialChar && !/[^\p{L}\p{Nd}\s]/u.test(password)) missing.push('at least one special character');
  return missing.length ? `Password must contain ${missing.join(', ')}` : null;
}
