/** Tables added by migration 0005 (initial access tokens, audit log, admins, settings). */
import type { Selectable } from 'kysely';
import type { Db } from './util.ts';

export interface InitialAccessTokensTable {
  tenant_id: string;
  id: string;
  hash: string;
  label: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  tenant_id: string;
  id: string;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  /** JSON: Record<string, unknown>. */
  detail: string;
}

export interface AdminsTable {
  tenant_id: string;
  sub: string;
  created_at: number;
}

export interface AdminSettingsTable {
  key: string;
  value: string;
  created_at: number;
}

export type AdminTables = {
  initial_access_tokens: InitialAccessTokensTable;
  audit_log: AuditLogTable;
  admins: AdminsTable;
  admin_settings: AdminSettingsTable;
};

export type AdminRow<T extends keyof AdminTables> = Selectable<AdminTables[T]>;

/** The shared Kysely instance, typed with these tables as well. */
export function withAdminTables(db: Db) {
  return db.withTables<AdminTables>();
}
