/**
 * Registrations are rate limited: each one creates a stored client, so an open registration
 * endpoint must not let one address (or everyone together) fill the database. Only clients
 * actually created count; rejected requests cost nothing to keep.
 */
import { TooManyRequests } from '../../errors/oauth-error.ts';
import { createLoginThrottle } from '../../security/login-throttle.ts';

/** Registrations per address per tenant, and per tenant in all, within the window. */
export const REGISTRATIONS_PER_IP = 50;
export const REGISTRATIONS_PER_TENANT = 1000;
const WINDOW_SECONDS = 600;

const byIp = createLoginThrottle({ limit: REGISTRATIONS_PER_IP, windowSeconds: WINDOW_SECONDS, name: 'registration-ip' });
const byTenant = createLoginThrottle({ limit: REGISTRATIONS_PER_TENANT, windowSeconds: WINDOW_SECONDS, name: 'registration-tenant' });

export interface RegistrationAttempt {
  tenantId: string;
  ip: string;
}

export const registrationThrottle = {
  /** Throws TooManyRequests (429 with Retry-After) once the address or the tenant used up its registrations. */
  check(attempt: RegistrationAttempt): void {
    const results = [byIp.check(`${attempt.tenantId}:${attempt.ip}`), byTenant.check(attempt.tenantId)];
    const blocked = results.find((r) => !r.allowed);
    // RFC 6585 §4: 429 with Retry-After.
    if (blocked) throw new TooManyRequests('too many client registrations; try again later', { headers: { 'retry-after': String(blocked.retryAfter) } });
  },
  /** Counts one client created. */
  created(attempt: RegistrationAttempt): void {
    byIp.fail(`${attempt.tenantId}:${attempt.ip}`);
    byTenant.fail(attempt.tenantId);
  },
};
