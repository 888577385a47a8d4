/**
 * Storage contract: one repository per entity (declared by concern in `repos/`). Every backend
 * (SQLite, PostgreSQL) implements exactly these interfaces and passes the same contract suite (`storage/contract/`).
 *
 * Conventions for every repository:
 * - Times are epoch **seconds** (integers). "now" is always passed in, never read from a clock.
 * - Every row belongs to a tenant; every method takes `tenantId` and never sees another tenant's rows.
 * - Bearer secrets (codes, tokens, device codes, registration tokens) are stored and looked up
 *   by `hash` = base64url(sha256(secret)); the plain value never reaches storage.
 * - "Missing" is `undefined`, never an exception.
 */
import type { AdminRepo, AuditRepo, InitialAccessTokenRepo } from './repos/administration.ts';
import type { CodeRepo, ConsentRepo, GrantRepo, ParRepo, ReplayRepo, SessionRepo, TokenRepo } from './repos/authorization.ts';
import type { CibaRepo, DeviceCodeRepo } from './repos/backchannel.ts';
import type { LogoutRepo, OutboxRepo } from './repos/delivery.ts';
import type { ClientRepo, KeyRepo, TenantRepo, UserRepo } from './repos/identity.ts';

export type * from './repos/common.ts';
export type * from './repos/identity.ts';
export type * from './repos/authorization.ts';
export type * from './repos/backchannel.ts';
export type * from './repos/delivery.ts';
export type * from './repos/administration.ts';

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
   * session holds it. With `wait`, it waits for the lock instead, and `fn` always runs (one
   * instance after the other). SQLite has one machine and one writer: `fn` simply runs (the
   * scheduler runs periodic jobs in one worker process only).
   */
  exclusive<T>(name: string, fn: () => Promise<T>, options?: { wait?: boolean }): Promise<T | undefined>;
  /** Connection pool state (PostgreSQL), for metrics; absent for SQLite. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
