/** Storage contract, see ../types.ts for its conventions: requests decided away from the client: device codes (RFC 8628) and CIBA requests. */
import type { OutboxInsert } from './delivery.ts';

/** Where a polled authorization (device code, CIBA request) stands. */
export type PollableStatus = 'pending' | 'approved' | 'denied';

/** Fields shared by the authorizations a client polls for (RFC 8628 §3.4, OpenID CIBA §10.1). */
export interface PollableRecord {
  tenantId: string;
  /** sha256 of the device_code / auth_req_id. */
  hash: string;
  clientId: string;
  scope: string;
  /** Resource indicators (RFC 8707) asked for. */
  resources: string[];
  status: PollableStatus;
  /** The grant created when the user approved; null until then. */
  grantId: string | null;
  /** Seconds the client must wait between polls; grows by 5 with every `slow_down`. */
  interval: number;
  lastPolledAt: number | null;
  expiresAt: number;
  createdAt: number;
  decidedAt: number | null;
  /** Set once when tokens are issued (single use). */
  consumedAt: number | null;
}

export interface DeviceCodeRecord extends PollableRecord {
  /** The user code, normalised: upper case, no separators. Unique per tenant. */
  userCode: string;
}

export interface CibaRequestRecord extends PollableRecord {
  /** sha256 of the secret in the approval URI sent to the user. */
  approvalHash: string;
  /** The user the client asked to authenticate (local user id). */
  sub: string;
  acr: string | null;
  bindingMessage: string | null;
  deliveryMode: 'poll' | 'ping' | 'push';
  /**
   * Ping and push: the `auth_req_id` and the client's `client_notification_token`, encrypted
   * with the key-encryption key, for the notification that follows the user's decision.
   */
  notificationEncrypted: string | null;
}

/** A user's decision; approval links the grant the tokens will come from. */
export type PollableDecision = { status: 'approved'; grantId: string } | { status: 'denied' };

/**
 * Outcome of one poll at the token endpoint. The repository decides in atomic statements;
 * the grant maps each status to its RFC error or issues tokens on `issue`.
 */
export type PollOutcome<T> =
  /** Unknown, another tenant's, or another client's: nothing was changed. */
  | { status: 'missing' }
  | { status: 'expired'; record: T }
  /** Polled before `interval` passed since the last poll: the interval grew by 5 s. */
  | { status: 'slow_down'; record: T }
  | { status: 'pending'; record: T }
  | { status: 'denied'; record: T }
  /** Approved, and this call consumed it: issue the tokens now. */
  | { status: 'issue'; record: T }
  /** Approved and already redeemed (or delivered by push). */
  | { status: 'consumed'; record: T };

export interface DeviceCodeRepo {
  /** Rejects (unique constraint) when the tenant already holds the same hash or user code. */
  insert(record: DeviceCodeRecord): Promise<void>;
  /** By device code hash; `undefined` when missing. Expired and decided rows are returned as they are. */
  get(tenantId: string, hash: string): Promise<DeviceCodeRecord | undefined>;
  /** By normalised user code; `undefined` when missing or expired at `now`. */
  findByUserCode(tenantId: string, userCode: string, now: number): Promise<DeviceCodeRecord | undefined>;
  /** Records the decision only if the row is pending and unexpired (atomic); true when it did. */
  decide(tenantId: string, hash: string, decision: PollableDecision, now: number): Promise<boolean>;
  /** One token-endpoint poll by `clientId` (see PollOutcome); approved rows are consumed at most once. */
  poll(tenantId: string, hash: string, clientId: string, now: number): Promise<PollOutcome<DeviceCodeRecord>>;
}

export interface CibaRepo {
  /** Inserts the request and, in the same transaction, outbox `deliveries` (the user notification). */
  insert(record: CibaRequestRecord, deliveries?: OutboxInsert[]): Promise<void>;
  /** By auth_req_id hash; `undefined` when missing. Expired and decided rows are returned as they are. */
  get(tenantId: string, hash: string): Promise<CibaRequestRecord | undefined>;
  /** By approval secret hash; `undefined` when missing. */
  getByApproval(tenantId: string, approvalHash: string): Promise<CibaRequestRecord | undefined>;
  /** Pending, unexpired requests for user `sub`, newest first. */
  listPending(tenantId: string, sub: string, now: number): Promise<CibaRequestRecord[]>;
  /**
   * Records the decision only if the row is pending and unexpired (atomic); true when it did.
   * `consume` marks an approval redeemed in the same statement (push mode delivers at once);
   * `deliveries` (ping or push notifications) are enqueued in the same transaction, only when
   * the decision is recorded.
   */
  decide(tenantId: string, hash: string, decision: PollableDecision, now: number, options?: { consume?: boolean; deliveries?: OutboxInsert[] }): Promise<boolean>;
  /** One token-endpoint poll by `clientId` (see PollOutcome); approved rows are consumed at most once. */
  poll(tenantId: string, hash: string, clientId: string, now: number): Promise<PollOutcome<CibaRequestRecord>>;
}
