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

export type KeyStatus = 'active' | 'retired';

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
  /** Active keys plus retired keys whose `expiresAt` is after `now`, newest first. */
  listPublished(tenantId: string, now: number): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /**
   * Atomically: every active key of `alg` in the tenant becomes retired with
   * `expiresAt = retireUntil`, and `next` is inserted as the active key.
   */
  rotate(tenantId: string, next: SigningKeyRecord, retireUntil: number): Promise<void>;
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
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Deletes up to `batch` expired rows per table; returns how many were deleted in all. */
  sweep(now: number, batch: number): Promise<number>;
  close(): Promise<void>;
}
