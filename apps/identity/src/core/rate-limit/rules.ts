import type { LimitRule } from '@app/core';

/**
 * Default limits (multiplied by RATE_LIMIT_MULTIPLIER).
 *
 * Per-IP sign-up and sign-in budgets follow Supabase Auth's published defaults (30 sign-ups and
 * sign-ins per 5 minutes per IP, `[auth.rate_limit] sign_in_sign_ups = 30`), except that we give
 * sign-ups and sign-ins a bucket each, so a client that signs up and then signs in is not charged
 * twice: the InsForge SDK's own integration suite (about 17 sign-ups and as many sign-ins a run)
 * passes from one machine. An IP address is a weak identity (NAT, offices); what stops password
 * guessing is the strict per-identifier failure lockout below: per identifier + IP (an attacker
 * can lock out only their own address) and, more loosely, per identifier across all addresses,
 * which blocks for 15 minutes and never forever.
 */
export const RATE_LIMIT_RULES: Record<string, LimitRule> = {
  'sign-in:ip': { points: 30, duration: 5 * 60 },
  'sign-in:id': { points: 20, duration: 60 },
  'sign-in-fail:id-ip': { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  'sign-in-fail:id': { points: 50, duration: 60 * 60, blockDuration: 15 * 60 },
  'sign-up:ip': { points: 30, duration: 5 * 60 },
  'refresh:ip': { points: 300, duration: 60 },
  'send:ip': { points: 5, duration: 15 * 60 },
  'send:email': { points: 1, duration: 60 },
  // Admin sign-in: the one password that opens everything. Failures lock the address out after 5;
  // across all addresses, 100 failures an hour lock admin sign-in for 15 minutes (a distributed
  // guess runs at 100 tries an hour at most; API keys keep working meanwhile).
  'admin-sign-in:ip': { points: 30, duration: 5 * 60 },
  'admin-sign-in-fail:ip': { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  'admin-sign-in-fail': { points: 100, duration: 60 * 60, blockDuration: 15 * 60 },
  'verify-fail:ip': { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  // OAuth: starting a sign-in and coming back from the provider (one budget), and exchanging codes.
  'oauth:ip': { points: 60, duration: 5 * 60 },
  'oauth-exchange:ip': { points: 30, duration: 5 * 60 },
  // InsForge's idTokenSignInRateLimiter: 30 per 15 minutes per address.
  'id-token:ip': { points: 30, duration: 15 * 60 },
};
