/** Storage contract, see ../types.ts for its conventions: what a sign-in leaves behind (grants, codes, tokens, sessions, consents), the replay cache and pushed authorization requests. */
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
  /** The token's grant, read with it; null when the token has no grant or the grant is gone. */
  grant: GrantRecord | null;
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
