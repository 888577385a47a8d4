/**
 * Storage contract: one repository per entity. Every backend (SQLite, PostgreSQL) implements
 * exactly these interfaces and passes the same contract suite (`storage/contract/`).
 *
 * Conventions for every repository:
 * - Times are epoch **seconds** (integers). "now" is always passed in, never read from a clock.
 * - Every row belongs to a tenant; every method takes `tenantId` and never sees another tenant's rows.
 * - Bearer secrets (codes, tokens, device codes, registration tokens) are stored and looked up
 *   by `hash` = base64url(sha256(secret)); the plain value never reaches storage.
 * - "Missing" is `undefined`, never an exception.
 */
import type { ClientMetadata } from '../domain/client.ts';
import type { UserClaims } from '../domain/user.ts';
import type { PublicJwk, SigningAlg } from '../keys/types.ts';

export interface TenantRecord {
  /** Stable internal id. The default tenant's id is `default`. */
  id: string;
  /** URL slug (`/t/<slug>`); the default tenant's slug is the empty string. */
  slug: string;
  name: string;
  createdAt: number;
}

export type ClientSource = 'config' | 'admin' | 'registration';

export interface ClientRecord {
  tenantId: string;
  clientId: string;
  /** sha256 of the client secret (base64url), for client_secret_basic / client_secret_post. */
  secretHash: string | null;
  /** The secret encrypted with the key-encryption key; only kept for `client_secret_jwt`, whose HMAC needs it. */
  secretEncrypted: string | null;
  /** RFC 7591 / OIDC Registration metadata, wire names. */
  metadata: ClientMetadata;
  source: ClientSource;
  /** sha256 of the RFC 7592 registration access token, when registered dynamically. */
  registrationTokenHash: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface UserRecord {
  tenantId: string;
  /** The subject identifier (`sub`). */
  id: string;
  username: string;
  /** argon2id PHC string; null when the user cannot sign in with a password. */
  passwordHash: string | null;
  claims: UserClaims;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** `next`: published in the JWKS ahead of scheduled activation, not yet signing. */
export type KeyStatus = 'active' | 'retired' | 'next';

export interface SigningKeyRecord {
  tenantId: string;
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  /** PKCS#8 PEM of the private key, encrypted with the key-encryption key (see keys/kek.ts). */
  privateKeyEncrypted: string;
  status: KeyStatus;
  createdAt: number;
  /** When a retired key stops being published. Null while active. */
  expiresAt: number | null;
}

/** The record behind one user authorization: every code, access and refresh token it yields points at it. */
export interface GrantRecord {
  tenantId: string;
  id: string;
  clientId: string;
  /** Null for client-only grants (client_credentials). */
  sub: string | null;
  scope: string;
  /** Resource indicators (RFC 8707) granted. */
  resources: string[];
  /** OIDC `claims` request parameter, as parsed JSON, when given. */
  claims: unknown;
  authTime: number | null;
  acr: string | null;
  amr: string[] | null;
  /** Browser session id (`sid`) the grant came from, when interactive. */
  sid: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AuthorizationCodeRecord {
  tenantId: string;
  hash: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  /** DPoP key thumbprint bound at the authorization request (RFC 9449 §10), if any. */
  dpopJkt: string | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

/** Outcome of an atomic single-use redemption. */
export type ConsumeResult<T> =
  | { status: 'ok'; record: T }
  /** It existed and was already used: callers treat this as replay (RFC 6749 §4.1.2). */
  | { status: 'reused'; record: T }
  /** Never existed, belongs to another tenant, or expired. */
  | { status: 'missing' };

export type TokenKind = 'access_token' | 'refresh_token';

export interface TokenRecord {
  tenantId: string;
  /** sha256 of the opaque token; for JWT access tokens recorded on revocation, sha256 of the `jti`. */
  hash: string;
  kind: TokenKind;
  grantId: string | null;
  clientId: string;
  sub: string | null;
  scope: string;
  audience: string[];
  /** RFC 7800 / RFC 9449 confirmation: the DPoP key thumbprint, if bound. */
  cnfJkt: string | null;
  /** Refresh tokens: the token this one was rotated from. */
  parentHash: string | null;
  /** Free-form extra claims (e.g. `act` for token exchange, `auth_time`, `acr`). */
  extra: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  /** Set when a refresh token is rotated (used). */
  consumedAt: number | null;
  revokedAt: number | null;
}

/** A token joined with the state of its grant, for one-query validation. */
export interface TokenLookup extends TokenRecord {
  grantRevokedAt: number | null;
}

export interface SessionRecord {
  tenantId: string;
  /** The `sid`. Also the value of the session cookie's lookup hash is separate: see `cookieHash`. */
  id: string;
  /** sha256 of the session cookie value. */
  cookieHash: string;
  sub: string;
  authTime: number;
  acr: string | null;
  amr: string[];
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  /** Client ids that received tokens through this session (front/back-channel logout). */
  clients: string[];
}

export interface ConsentRecord {
  tenantId: string;
  sub: string;
  clientId: string;
  /** Space-separated scopes the user has granted to the client (accumulates). */
  scope: string;
  createdAt: number;
  updatedAt: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; undefined on the last page. */
  next: string | undefined;
}

export interface ListOptions {
  limit?: number;
  cursor?: string;
}

export interface TenantRepo {
  /** All tenants, the default tenant first. */
  list(): Promise<TenantRecord[]>;
  /** `undefined` when no tenant has this slug (the default tenant has slug ''). */
  getBySlug(slug: string): Promise<TenantRecord | undefined>;
  getById(id: string): Promise<TenantRecord | undefined>;
  /** Inserts or updates by id (the slug is unique). */
  upsert(tenant: TenantRecord): Promise<void>;
}

export interface ClientRepo {
  /** `undefined` when missing in this tenant. */
  get(tenantId: string, clientId: string): Promise<ClientRecord | undefined>;
  /** Ordered by client_id; `cursor` is the last client_id of the previous page. */
  list(tenantId: string, options?: ListOptions): Promise<Page<ClientRecord>>;
  /** Inserts, or replaces every field of the existing client with the same (tenant, client_id). */
  upsert(client: ClientRecord): Promise<void>;
  /** True when a row was deleted. */
  delete(tenantId: string, clientId: string): Promise<boolean>;
}

export interface UserRepo {
  get(tenantId: string, id: string): Promise<UserRecord | undefined>;
  /** Usernames match case-insensitively; `undefined` when missing. */
  getByUsername(tenantId: string, username: string): Promise<UserRecord | undefined>;
  list(tenantId: string, options?: ListOptions): Promise<Page<UserRecord>>;
  /** Inserts, or replaces by (tenant, id). A different user holding the same username is a unique-constraint error. */
  upsert(user: UserRecord): Promise<void>;
  /** True when a user was updated. */
  setPassword(tenantId: string, id: string, passwordHash: string, now: number): Promise<boolean>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface KeyRepo {
  /** Active and `next` keys plus retired keys whose `expiresAt` is after `now`; active first, then newest first. */
  listPublished(tenantId: string, now: number): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /**
   * Atomically: every active key of `alg` in the tenant becomes retired with
   * `expiresAt = retireUntil`, and `next` is inserted as the active key.
   */
  rotate(tenantId: string, next: SigningKeyRecord, retireUntil: number): Promise<void>;
  /**
   * Scheduled rotation: atomically, the `next` key `kid` becomes active and every other active
   * key of its alg becomes retired with `expiresAt = retireUntil`. False (nothing changed) when
   * `kid` is missing or no longer `next` — another instance promoted it first.
   */
  promote(tenantId: string, kid: string, retireUntil: number): Promise<boolean>;
}

export interface GrantRepo {
  insert(grant: GrantRecord): Promise<void>;
  /** `undefined` when missing (revoked grants are returned with `revokedAt` set). */
  get(tenantId: string, id: string): Promise<GrantRecord | undefined>;
  /** Revokes the grant and every token issued under it. True when the grant existed and was live. */
  revoke(tenantId: string, id: string, now: number): Promise<boolean>;
}

export interface CodeRepo {
  insert(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * The single-use primitive: marks the code consumed in one atomic statement
   * (`UPDATE … WHERE consumed_at IS NULL AND expires_at > now RETURNING …`).
   * Concurrent callers: exactly one gets `ok`; the others get `reused`.
   */
  consume(tenantId: string, hash: string, now: number): Promise<ConsumeResult<AuthorizationCodeRecord>>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  /** The token with its grant's revocation state; `undefined` when missing. Expired/revoked rows are returned as they are. */
  find(tenantId: string, hash: string): Promise<TokenLookup | undefined>;
  /**
   * Refresh-token rotation: atomically marks the token consumed if it is unconsumed,
   * unrevoked and unexpired. `reused` when it had been consumed before.
   */
  consume(tenantId: string, hash: string, now: number): Promise<ConsumeResult<TokenRecord>>;
  /** True when the token was live and is now revoked. */
  revoke(tenantId: string, hash: string, now: number): Promise<boolean>;
  /** Revokes every token of the grant. Returns how many rows changed. */
  revokeByGrant(tenantId: string, grantId: string, now: number): Promise<number>;
}

export interface SessionRepo {
  insert(session: SessionRecord): Promise<void>;
  /** Live session (not ended, not expired) by cookie hash; `undefined` otherwise. */
  findByCookie(tenantId: string, cookieHash: string, now: number): Promise<SessionRecord | undefined>;
  get(tenantId: string, id: string): Promise<SessionRecord | undefined>;
  /** Records that `clientId` received tokens through this session (idempotent). */
  addClient(tenantId: string, id: string, clientId: string): Promise<void>;
  /** Sessions of a subject that are live at `now`, newest first. */
  listBySub(tenantId: string, sub: string, now: number): Promise<SessionRecord[]>;
  /** Ends the session; true when it was live. */
  end(tenantId: string, id: string, now: number): Promise<boolean>;
}

export interface ConsentRepo {
  get(tenantId: string, sub: string, clientId: string): Promise<ConsentRecord | undefined>;
  /** Inserts or replaces the consent of (tenant, sub, client). */
  upsert(consent: ConsentRecord): Promise<void>;
  delete(tenantId: string, sub: string, clientId: string): Promise<boolean>;
}

export interface ReplayRepo {
  /**
   * Remembers `key` in `namespace` until `expiresAt`. Returns true the first time,
   * false when the key is already remembered and unexpired (a replay). Atomic.
   */
  remember(tenantId: string, namespace: string, key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A pushed authorization request (RFC 9126): what its `request_uri` stands for. */
export interface ParRecord {
  tenantId: string;
  /** sha256 of the full `request_uri`. */
  hash: string;
  clientId: string;
  /** The authorization request parameters as pushed (after any request object was applied). */
  params: Record<string, string | string[]>;
  /** RFC 9449 §10: the DPoP key thumbprint the authorization code must be bound to, if any. */
  dpopJkt: string | null;
  /** Until when the `request_uri` may start an authorization. */
  expiresAt: number;
  /** Set once the authorization it started has completed. */
  consumedAt: number | null;
  createdAt: number;
}

export interface ParRepo {
  insert(record: ParRecord): Promise<void>;
  /** The request when unconsumed and `expiresAt > now`; `undefined` when missing, expired or consumed. */
  findLive(tenantId: string, hash: string, now: number): Promise<ParRecord | undefined>;
  /**
   * Marks the request used, atomically (`UPDATE … WHERE consumed_at IS NULL RETURNING`).
   * Expiry is not checked here: an authorization started in time may finish later.
   * `reused` when already consumed, `missing` when unknown (or swept).
   */
  consume(tenantId: string, hash: string, now: number): Promise<ConsumeResult<ParRecord>>;
  /** Deletes up to `batch` rows that expired before `before`; returns how many. */
  purge(before: number, batch: number): Promise<number>;
}

/** An RFC 7591 §3 initial access token minted at runtime (config tokens are not stored). */
export interface InitialAccessTokenRecord {
  tenantId: string;
  id: string;
  /** sha256 of the token. */
  hash: string;
  label: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface InitialAccessTokenRepo {
  insert(token: InitialAccessTokenRecord): Promise<void>;
  /** The token when unrevoked and unexpired at `now`; `undefined` otherwise. */
  findLive(tenantId: string, hash: string, now: number): Promise<InitialAccessTokenRecord | undefined>;
  /** Ordered by id; `cursor` is the last id of the previous page. */
  list(tenantId: string, options?: ListOptions): Promise<Page<InitialAccessTokenRecord>>;
  /** True when a live token was revoked. */
  revoke(tenantId: string, id: string, now: number): Promise<boolean>;
}

/** One audit log entry: who (`actor`) did what (`action`) to which object, and when. */
export interface AuditEntry {
  tenantId: string;
  /** Sortable by time: newest entries have the greatest ids. */
  id: string;
  at: number;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** What changed; never secrets. */
  detail: Record<string, unknown>;
}

export interface AuditQuery extends ListOptions {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive lower bound on `at`. */
  since?: number;
  /** Exclusive upper bound on `at`. */
  until?: number;
}

export interface AuditRepo {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first; `cursor` is the last id of the previous page. `tenantId` undefined = every tenant. */
  list(tenantId: string | undefined, query?: AuditQuery): Promise<Page<AuditEntry>>;
}

export interface AdminListOptions extends ListOptions {
  /** Prefix filter on the listed key (slug, client_id, username). */
  prefix?: string;
}

/** Queries the admin API needs beyond the per-entity repositories. */
export interface AdminRepo {
  /** Whether user `sub` of `tenantId` administers that tenant (the default tenant: every tenant). */
  isAdmin(tenantId: string, sub: string): Promise<boolean>;
  /** Idempotent. */
  addAdmin(tenantId: string, sub: string, now: number): Promise<void>;
  /** True when a membership was removed. */
  removeAdmin(tenantId: string, sub: string): Promise<boolean>;
  /** Tenants ordered by slug (the default tenant, slug '', first). */
  listTenants(options?: AdminListOptions): Promise<Page<TenantRecord>>;
  /** Clients ordered by client_id, optionally of one source. */
  listClients(tenantId: string, options?: AdminListOptions & { source?: ClientSource }): Promise<Page<ClientRecord>>;
  /** Users ordered by lowercased username; the cursor is the last lowercased username. */
  listUsers(tenantId: string, options?: AdminListOptions): Promise<Page<UserRecord>>;
  /** Consents ordered by (client_id, sub), optionally of one user or one client. */
  listConsents(tenantId: string, options?: ListOptions & { sub?: string; clientId?: string }): Promise<Page<ConsentRecord>>;
  /** Sessions live at `now`, ordered by id, optionally of one user (client lists are not filled in). */
  listSessions(tenantId: string, now: number, options?: ListOptions & { sub?: string }): Promise<Page<SessionRecord>>;
  /** Revokes every live grant of the client (their tokens die with them). Returns how many. */
  revokeClientGrants(tenantId: string, clientId: string, now: number): Promise<number>;
  /** Revokes every live grant of the user. Returns how many. */
  revokeUserGrants(tenantId: string, sub: string, now: number): Promise<number>;
  /** Stores `value` under `key` only if the key is new; true when it was stored (atomic). */
  claimSetting(key: string, value: string, now: number): Promise<boolean>;
  /** True when the tenant and every row it owns were deleted. */
  deleteTenant(tenantId: string): Promise<boolean>;
}

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

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  tenants: TenantRepo;
  clients: ClientRepo;
  users: UserRepo;
  keys: KeyRepo;
  grants: GrantRepo;
  codes: CodeRepo;
  tokens: TokenRepo;
  sessions: SessionRepo;
  consents: ConsentRepo;
  replay: ReplayRepo;
  outbox: OutboxRepo;
  logout: LogoutRepo;
  deviceCodes: DeviceCodeRepo;
  ciba: CibaRepo;
  /** RFC 9126 pushed authorization requests. */
  par: ParRepo;
  initialAccessTokens: InitialAccessTokenRepo;
  audit: AuditRepo;
  admin: AdminRepo;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Deletes up to `batch` expired rows per table; returns how many were deleted in all. */
  sweep(now: number, batch: number): Promise<number>;
  /**
   * Runs `fn` only while this process holds the named lock, so one instance at a time does a
   * periodic job. PostgreSQL: a session advisory lock (per schema) held on one pooled
   * connection, tried without waiting; resolves `undefined` without running `fn` when another
   * session holds it. SQLite has one machine and one writer: `fn` simply runs (the scheduler
   * runs periodic jobs in one worker process only).
   */
  exclusive?<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  /** Connection pool state (PostgreSQL), for metrics; absent for SQLite. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
