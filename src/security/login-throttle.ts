/**
 * Rate limiting of guesses: passwords, device user codes, registrations. Each key (a username,
 * an IP address) may fail `limit` times within `windowSeconds`; after that it is blocked until
 * the oldest counted failure leaves the window. A success clears the key.
 */
export interface ThrottleResult {
  allowed: boolean;
  /** Seconds until the next attempt is allowed (0 when allowed). */
  retryAfter: number;
}

export interface LoginThrottle {
  check(key: string): ThrottleResult;
  /** Counts a failure; resolves once the shared counter (when counters are shared) has counted it. */
  fail(key: string): Promise<void>;
  succeed(key: string): void;
  /** Reads the shared counter of `key` (when counters are shared), so the next `check` sees every instance's failures. */
  sync(key: string): Promise<void>;
}

export interface ThrottleOptions {
  limit: number;
  windowSeconds: number;
  now?: () => number;
  /** Upper bound on tracked keys, so a flood of distinct keys cannot exhaust memory. */
  maxKeys?: number;
  /** Names this throttle's counters when they are shared between instances (default: by creation order). */
  name?: string;
}

/**
 * Failure counters kept where every instance sees them (Redis, storage/redis/counters.ts).
 * `view` never blocks: it answers from what this process last saw of the shared counter
 * (`sync` and `add` update that).
 */
export interface SharedCounters {
  view(name: string, key: string): { count: number; retryAfter: number } | undefined;
  sync(name: string, key: string): Promise<void>;
  add(name: string, key: string, windowSeconds: number): Promise<void>;
  clear(name: string, key: string): void;
}

let shared: SharedCounters | undefined;
let created = 0;

/** Makes every throttle also count in `counters` (undefined: this process's memory only). */
export function shareThrottleCounters(counters: SharedCounters | undefined): void {
  shared = counters;
}

export function createLoginThrottle(options: ThrottleOptions): LoginThrottle {
  const now = options.now ?? (() => Date.now() / 1000);
  const maxKeys = options.maxKeys ?? 100_000;
  const failures = new Map<string, number[]>();
  const name = options.name ?? `throttle-${++created}`;

  const recent = (key: string): number[] => {
    const cutoff = now() - options.windowSeconds;
    const kept = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };

  const failLocally = (key: string) => {
    const list = recent(key);
    list.push(now());
    if (!failures.has(key) && failures.size >= maxKeys) {
      const first = failures.keys().next();
      if (!first.done) failures.delete(first.value);
    }
    failures.set(key, list.slice(-options.limit));
  };

  return {
    check(key) {
      const list = recent(key);
      const everywhere = shared?.view(name, key);
      if (everywhere && everywhere.count >= options.limit && list.length < options.limit) return { allowed: false, retryAfter: everywhere.retryAfter };
      if (list.length < options.limit) return { allowed: true, retryAfter: 0 };
      const oldest = list[list.length - options.limit] ?? now();
      return { allowed: false, retryAfter: Math.max(1, Math.ceil(oldest + options.windowSeconds - now())) };
    },
    async sync(key) {
      await shared?.sync(name, key);
    },
    async fail(key) {
      const counted = shared?.add(name, key, options.windowSeconds);
      failLocally(key);
      await counted;
    },
    succeed(key) {
      failures.delete(key);
      shared?.clear(name, key);
    },
  };
}

/** Who is counted by an address throttle: the client address, within its tenant. */
export interface AddressAttempt {
  tenantId: string;
  ip: string;
}

/**
 * Two limits counted together: per address within a tenant, and per tenant in all (against an
 * attacker spreading over many addresses). `check` reads the counters every instance shares
 * (Redis) first and tells whether either limit is used up; `count` resolves once the attempt
 * is counted where every instance sees it, so another instance's attempts count at once.
 */
export function createAddressThrottle(options: { name: string; perAddress: number; perTenant: number; windowSeconds: number }) {
  const { name, windowSeconds } = options;
  const byIp = createLoginThrottle({ limit: options.perAddress, windowSeconds, name: `${name}-ip` });
  const byTenant = createLoginThrottle({ limit: options.perTenant, windowSeconds, name: `${name}-tenant` });
  const ipKey = (attempt: AddressAttempt) => `${attempt.tenantId}:${attempt.ip}`;
  return {
    async check(attempt: AddressAttempt): Promise<ThrottleResult> {
      await Promise.all([byIp.sync(ipKey(attempt)), byTenant.sync(attempt.tenantId)]);
      const results = [byIp.check(ipKey(attempt)), byTenant.check(attempt.tenantId)];
      return results.find((r) => !r.allowed) ?? { allowed: true, retryAfter: 0 };
    },
    async count(attempt: AddressAttempt): Promise<void> {
      await Promise.all([byIp.fail(ipKey(attempt)), byTenant.fail(attempt.tenantId)]);
    },
  };
}

/** Five failures per username, or thirty per IP address, in five minutes; then a pause. */
const byUser = createLoginThrottle({ limit: 5, windowSeconds: 300, name: 'login-user' });
const byIp = createLoginThrottle({ limit: 30, windowSeconds: 300, name: 'login-ip' });

export interface LoginAttempt {
  tenantId: string;
  username: string;
  ip: string;
}

function keys(a: LoginAttempt): [string, string] {
  return [`${a.tenantId}:${a.username.toLowerCase()}`, `${a.tenantId}:${a.ip}`];
}

/** Told the result of every credential check (metrics); set once per process. */
let loginObserver: ((ok: boolean) => void) | undefined;

export function observeLogins(observer: ((ok: boolean) => void) | undefined): void {
  loginObserver = observer;
}

/** What one guarded credential check came to. */
export type GuardedCheck<T> = { outcome: 'throttled'; retryAfter: number } | { outcome: 'wrong' } | { outcome: 'ok'; value: T };

/**
 * Every credential check goes through these calls: the login page, the password grant, the
 * device and CIBA pages, and CIBA user codes. Both read or write the counters every instance
 * shares (Redis) before they resolve, so a failure at one instance counts at all at once.
 */
export const loginThrottle = {
  /**
   * Runs `verify` unless `attempt` is throttled, and counts its result before answering: the
   * one sequence every credential check follows. `verify` resolves undefined for wrong
   * credentials.
   */
  async guard<T>(attempt: LoginAttempt, verify: () => Promise<T | undefined>): Promise<GuardedCheck<T>> {
    const throttled = await loginThrottle.check(attempt);
    if (!throttled.allowed) return { outcome: 'throttled', retryAfter: throttled.retryAfter };
    const value = await verify();
    await loginThrottle.record(attempt, value !== undefined);
    return value === undefined ? { outcome: 'wrong' } : { outcome: 'ok', value };
  },
  async check(attempt: LoginAttempt): Promise<ThrottleResult> {
    const [user, ip] = keys(attempt);
    await Promise.all([byUser.sync(user), byIp.sync(ip)]);
    const results = [byUser.check(user), byIp.check(ip)];
    return results.find((r) => !r.allowed) ?? { allowed: true, retryAfter: 0 };
  },
  async record(attempt: LoginAttempt, ok: boolean): Promise<void> {
    const [user, ip] = keys(attempt);
    loginObserver?.(ok);
    if (ok) byUser.succeed(user);
    else await Promise.all([byUser.fail(user), byIp.fail(ip)]);
  },
};
