/**
 * RFC 8628 §5.1: user codes have little entropy, so wrong guesses are rate limited: ten wrong
 * codes per address (and a thousand per tenant, against distributed guessing) in five minutes,
 * then a pause. A code that is found resets nothing: guessing never earns more attempts.
 */
import { createLoginThrottle, type ThrottleResult } from '../security/login-throttle.ts';

const byIp = createLoginThrottle({ limit: 10, windowSeconds: 300 });
const byTenant = createLoginThrottle({ limit: 1000, windowSeconds: 300 });

export interface CodeAttempt {
  tenantId: string;
  ip: string;
}

export const userCodeThrottle = {
  check(attempt: CodeAttempt): ThrottleResult {
    const results = [byIp.check(`${attempt.tenantId}:${attempt.ip}`), byTenant.check(attempt.tenantId)];
    return results.find((r) => !r.allowed) ?? { allowed: true, retryAfter: 0 };
  },
  wrong(attempt: CodeAttempt): void {
    byIp.fail(`${attempt.tenantId}:${attempt.ip}`);
    byTenant.fail(attempt.tenantId);
  },
};
