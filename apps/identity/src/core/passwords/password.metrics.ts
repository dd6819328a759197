import { Counter } from 'prom-client';

/**
 * Every password hash verification identity runs, by algorithm and by the cost read from the hash
 * that was verified (`m=…,t=…,p=…` for argon2id, the rounds for bcrypt). A sign-in for an unknown
 * account verifies against a dummy hash of the configured cost, so it shows here exactly like a
 * wrong password: tests prove the equal work with this counter instead of a timing threshold.
 */
export const passwordVerifications = new Counter({
  name: 'identity_password_verifications_total',
  help: 'Password hash verifications run (a sign-in for an unknown account counts one, against a dummy hash)',
  labelNames: ['algorithm', 'cost'],
});

/** The labels of a stored hash: `argon2id` + `m=19456,t=2,p=1`, or `bcrypt` + `12`. */
export function hashLabels(stored: string): { algorithm: string; cost: string } {
  const argon = /^\$(argon2(?:id|i|d))\$v=\d+\$(m=\d+,t=\d+,p=\d+)\$/.exec(stored);
  if (argon) return { algorithm: argon[1]!, cost: argon[2]! };
  const bcrypt = /^\$2[aby]\$(\d{2})\$/.exec(stored);
  if (bcrypt) return { algorithm: 'bcrypt', cost: bcrypt[1]! };
  return { algorithm: 'unknown', cost: 'unknown' };
}
