import type { LimitRule } from '@app/core';

/**
 * Default limits (multiplied by RATE_LIMIT_MULTIPLIER). Failed sign-ins are counted per
 * identifier + IP (an attacker can lock out only their own address) and, more loosely, per
 * identifier across all addresses, which blocks for 15 minutes and never forever.
 */
export const RATE_LIMIT_RULES: Record<string, LimitRule> = {
  'sign-in:ip': { points: 30, duration: 60 },
  'sign-in:id': { points: 20, duration: 60 },
  'sign-in-fail:id-ip': { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  'sign-in-fail:id': { points: 50, duration: 60 * 60, blockDuration: 15 * 60 },
  'sign-up:ip': { points: 10, duration: 10 * 60 },
  'refresh:ip': { points: 300, duration: 60 },
  'send:ip': { points: 5, duration: 15 * 60 },
  'send:email': { points: 1, duration: 60 },
  'verify-fail:ip': { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
};
