import type { AuditEntry, AuditRepo } from '../types.ts';
import { withAdminTables, type AdminRow } from './admin-tables.ts';
import { fromJson, pageSize, toJson, toPage } from './util.ts';
import type { Db } from './util.ts';

function toEntry(row: AdminRow<'audit_log'>): AuditEntry {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    detail: fromJson<Record<string, unknown>>(row.detail),
  };
}

/** The append-only audit log; pages run newest first on the time-ordered id. */
export function auditRepo(base: Db): AuditRepo {
  const db = withAdminTables(base);
  return {
    async append(e) {
      await db
        .insertInto('audit_log')
        .values({
          tenant_id: e.tenantId,
          id: e.id,
          at: e.at,
          actor: e.actor,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          detail: toJson(e.detail),
        })
        .execute();
    },

    async list(tenantId, q = {}) {
      const limit = pageSize(q);
      let query = db.selectFrom('audit_log').selectAll();
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      if (q.action !== undefined) query = query.where('action', '=', q.action);
      if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
      if (q.targetType !== undefined) query = query.where('target_type', '=', q.targetType);
      if (q.targetId !== undefined) query = query.where('target_id', '=', q.targetId);
      if (q.since !== undefined) query = query.where('at', '>=', q.since);
      if (q.until !== undefined) query = query.where('at', '<', q.until);
      if (q.cursor !== undefined) query = query.where('id', '<', q.cursor);
      const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.id, toEntry);
    },
  };
}
