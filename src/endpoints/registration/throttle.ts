/**
 * Registrations are rate limited: each one creates a stored client, so an open registration
 * endpoint must not let one address (or everyone together) fill the database. Only clients
 * actually created count; rejected requests cost nothing to keep.
 */
import { TooManyRequests } from '../../errors/oauth-error.ts';
import { createAddressThrottle, type AddressAttempt } from '../../security/login-throttle.ts';

/** Registrations per address per tenant, and per tenant in all, within the window. */
export const REGISTRATIONS_PER_IP = 50;
const REGISTRATIONS_PER_TENANT = 1000;

const throttle = createAddressThrottle({ name: 'registration', perAddress: REGISTRATIONS_PER_IP, perTenant: REGISTRATIONS_PER_TENANT, windowSeconds: 600 });

export const registrationThrottle = {
  /** Throws TooManyRequests (429 with Retry-After) once the address or the tenant used up its registrations. */
  async check(attempt: AddressAttempt): Promise<void> {
    const blocked = await throttle.check(attempt);
    // RFC 6585 §4: 429 with Retry-After.
    if (!blocked.allowed) throw new TooManyRequests('too many client registrations; try again later', { headers: { 'retry-after': String(blocked.retryAfter) } });
  },
  /** Counts one client created. */
  created: throttle.count,
};
