/** Retry and circuit-breaker timing of the outbox dispatcher. */

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
}

/**
 * Delay before the next attempt after `attempts` failed ones: exponential (base · 2^(n-1)),
 * capped, with "equal jitter" (half fixed, half random) so that receivers coming back are not
 * hit by every waiting delivery at the same instant.
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: () => number): number {
  const exp = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.min(40, Math.max(0, attempts - 1)));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** How long a client's breaker stays open after `failures` consecutive failures: doubles per failed probe, capped. */
export function breakerCooldownMs(policy: RetryPolicy, failures: number): number {
  const cap = Math.max(policy.breakerCooldownMs, policy.retryMaxMs);
  return Math.min(cap, policy.breakerCooldownMs * 2 ** Math.min(40, Math.max(0, failures - policy.breakerThreshold)));
}
