/** Storage contract, see ../types.ts for its conventions: initial access tokens, the audit log and the administration queries. */
import type { ConsentRecord, SessionRecord } from './authorization.ts';
import type { ListOptions, Page } from './common.ts';
import type { ClientRecord, ClientSource, TenantRecord, UserRecord } from './identity.ts';

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
