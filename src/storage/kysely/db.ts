/**
 * The database schema as Kysely sees it: one interface per table, snake_case columns.
 *
 * Times are epoch seconds (BIGINT in PostgreSQL, INTEGER in SQLite, both read back as
 * `number`). Document-like fields are TEXT holding JSON, so both dialects behave the same;
 * the repositories encode and decode them (see json.ts). Everything a query filters or
 * orders by is a real column.
 */
import type { Selectable } from 'kysely';

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: number;
}

export interface ClientsTable {
  tenant_id: string;
  client_id: string;
  secret_hash: string | null;
  secret_encrypted: string | null;
  /** JSON: ClientMetadata. */
  metadata: string;
  source: string;
  registration_token_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  username: string;
  /** `username.toLowerCase()`, unique per tenant: usernames match case-insensitively. */
  username_lower: string;
  password_hash: string | null;
  /** JSON: UserClaims. */
  claims: string;
  /** 0 or 1: an integer behaves identically in both dialects. */
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  tenant_id: string;
  kid: string;
  alg: string;
  /** JSON: PublicJwk. */
  public_jwk: string;
  private_key_encrypted: string;
  status: string;
  created_at: number;
  expires_at: number | null;
}

export interface GrantsTable {
  tenant_id: string;
  id: string;
  client_id: string;
  sub: string | null;
  scope: string;
  /** JSON: string[]. */
  resources: string;
  /** JSON of the OIDC `claims` request parameter; NULL when absent. */
  claims: string | null;
  auth_time: number | null;
  acr: string | null;
  /** JSON: string[]; NULL when absent. */
  amr: string | null;
  sid: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface CodesTable {
  tenant_id: string;
  hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  dpop_jkt: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface TokensTable {
  tenant_id: string;
  hash: string;
  kind: string;
  grant_id: string | null;
  client_id: string;
  sub: string | null;
  scope: string;
  /** JSON: string[]. */
  audience: string;
  cnf_jkt: string | null;
  parent_hash: string | null;
  /** JSON: Record<string, unknown>. */
  extra: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  revoked_at: number | null;
}

export interface SessionsTable {
  tenant_id: string;
  id: string;
  cookie_hash: string;
  sub: string;
  auth_time: number;
  acr: string | null;
  /** JSON: string[]. */
  amr: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

export interface SessionClientsTable {
  tenant_id: string;
  session_id: string;
  client_id: string;
}

export interface ConsentsTable {
  tenant_id: string;
  sub: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
}

export interface ReplayTable {
  tenant_id: string;
  namespace: string;
  key: string;
  expires_at: number;
}

/** The durable outbox (migration 0002); `*_ms` columns are epoch milliseconds. */
export interface OutboxTable {
  id: string;
  tenant_id: string;
  client_id: string;
  kind: string;
  target_url: string;
  /** JSON: Record<string, string>. */
  headers: string;
  body: string;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at_ms: number;
  lease_owner: string | null;
  lease_until_ms: number | null;
  last_attempt_at_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at_ms: number | null;
  created_at: number;
}

/** Per-client circuit breakers of the outbox dispatcher. */
export interface OutboxBreakersTable {
  tenant_id: string;
  client_id: string;
  failures: number;
  open_until_ms: number;
}

export interface Database {
  tenants: TenantsTable;
  clients: ClientsTable;
  users: UsersTable;
  signing_keys: SigningKeysTable;
  grants: GrantsTable;
  codes: CodesTable;
  tokens: TokensTable;
  sessions: SessionsTable;
  session_clients: SessionClientsTable;
  consents: ConsentsTable;
  replay: ReplayTable;
  outbox: OutboxTable;
  outbox_breakers: OutboxBreakersTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
