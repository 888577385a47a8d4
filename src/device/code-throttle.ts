/**
 * RFC 8628 §5.1: user codes have little entropy, so wrong guesses are rate limited: ten wrong
 * codes per address (and a thousand per tenant, against distributed guessing) in five minutes,
 * then a pause. A code that is found resets nothing: guessing never earns more attempts.
 */
import { createAddressThrottle } from '../security/login-throttle.ts';

const throttle = createAddressThrottle({ name: 'user-code', perAddress: 10, perTenant: 1000, windowSeconds: 300 });

export const userCodeThrottle = {
  check: throttle.check,
  wrong: throttle.count,
};
