import { Counter } from 'prom-client';

/**
 * Rotated refresh tokens replayed after the grace window. Each one revokes a session because the
 * token was probably stolen; a rise is worth an alert (k8s/components/monitoring).
 */
export const refreshTokenReuse = new Counter({
  name: 'identity_refresh_token_reuse_total',
  help: 'Rotated refresh tokens replayed after the grace window (each revokes its session)',
});
