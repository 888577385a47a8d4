/** Storage contract, see ../types.ts for its conventions: tenants, clients, users and signing keys. */
import type { ClientMetadata } from '../../domain/client.ts';
import type { UserClaims } from '../../domain/user.ts';
import type { PublicJwk, SigningAlg } from '../../keys/types.ts';
import type { ListOptions, Page } from './common.ts';

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
