/** Storage contract, see ../types.ts for its conventions: the outbox of notifications to other servers, and ending sessions with their logout deliveries. */
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** A new outbox row: one HTTP POST to make, at least once, until it succeeds or runs out of attempts. */
export interface OutboxInsert {
  id: string;
  tenantId: string;
  /** The client the delivery is for: the unit of the circuit breaker. */
  clientId: string;
  /** What it is (`backchannel_logout`, `ciba_ping`, …); selects an optional preparer in outbox/kinds.ts. */
  kind: string;
  targetUrl: string;
  headers: Record<string, string>;
  body: string;
  maxAttempts: number;
  /** Epoch seconds. The row is due at once. */
  createdAt: number;
}

/** An outbox row. `*Ms` fields are epoch milliseconds, written by the dispatcher. */
export interface OutboxDelivery extends OutboxInsert {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAtMs: number;
  leaseOwner: string | null;
  leaseUntilMs: number | null;
  lastAttemptAtMs: number | null;
  /** HTTP status of the last attempt; null when it got no response. */
  lastStatus: number | null;
  /** Short reason of the last failure (never a header or body). */
  lastError: string | null;
  deliveredAtMs: number | null;
}

export interface OutboxClaim {
  /** Identifies the claiming dispatcher; only it may record the outcome. */
  owner: string;
  nowMs: number;
  /** The claim lapses after this long, so a crashed dispatcher's rows are retried by another. */
  leaseMs: number;
  limit: number;
  /** Consecutive failures after which a client's breaker is open while `open_until_ms` is ahead. */
  breakerThreshold: number;
}

export interface OutboxFailure {
  nowMs: number;
  status: number | null;
  error: string;
  /** When to try again; null when attempts are exhausted (the row becomes `failed`). */
  retryAtMs: number | null;
  breakerThreshold: number;
  /** How long the client's breaker stays open after `failures` consecutive failures. */
  breakerCooldownMs: (failures: number) => number;
}

export interface OutboxFilter {
  tenantId?: string;
  kind?: string;
  status?: OutboxStatus;
  limit?: number;
}

export interface OutboxBreaker {
  tenantId: string;
  clientId: string;
  failures: number;
  openUntilMs: number;
}

export interface OutboxRepo {
  /** Inserts rows, each due at once. Callers that change state too use LogoutRepo-style transactions (see outbox/index.ts). */
  enqueue(rows: OutboxInsert[]): Promise<void>;
  /**
   * Claims up to `limit` due pending rows whose lease is free, skipping clients whose breaker
   * is open. A client whose breaker has cooled down gets one probe row, taken atomically so
   * only one dispatcher probes. Each row is claimed by one conditional UPDATE: concurrent
   * dispatchers never both get the same row.
   */
  claim(claim: OutboxClaim): Promise<OutboxDelivery[]>;
  /** Marks a claimed row delivered and closes its client's breaker. False when `owner` no longer holds it. */
  succeed(id: string, owner: string, nowMs: number, status: number): Promise<boolean>;
  /** Records a failed attempt on a claimed row (rescheduled or failed) and counts it against the client's breaker. */
  fail(id: string, owner: string, failure: OutboxFailure): Promise<boolean>;
  /** Gives a claimed row back without counting an attempt (shutdown). */
  release(id: string, owner: string): Promise<void>;
  /** Newest first. */
  list(filter: OutboxFilter): Promise<OutboxDelivery[]>;
  counts(filter: Omit<OutboxFilter, 'status' | 'limit'>): Promise<Record<OutboxStatus, number>>;
  /** A failed row of the tenant becomes pending again with a fresh set of attempts; false when it is not failed or belongs to another tenant. */
  retry(tenantId: string, id: string): Promise<boolean>;
  /** Breakers with at least one failure counted. */
  breakers(tenantId?: string): Promise<OutboxBreaker[]>;
  /** Deletes up to `batch` rows delivered before `beforeMs`; returns how many. */
  purgeDelivered(beforeMs: number, batch: number): Promise<number>;
}

export interface SessionEndResult {
  /** False when the session was not live (already ended, expired or missing): nothing changed. */
  ended: boolean;
  /** Grants of the session revoked (those without offline_access). */
  revokedGrants: number;
}

export interface LogoutRepo {
  /**
   * Ends a live session in one transaction: marks it ended, revokes every grant issued through
   * it whose scope lacks `offline_access` (with their tokens), and enqueues `deliveries`
   * (back-channel logout tokens). When the session is not live, nothing is written, so
   * concurrent logouts enqueue each notification once.
   */
  endSession(tenantId: string, sid: string, now: number, deliveries: OutboxInsert[]): Promise<SessionEndResult>;
}
