/** Admin API: the audit log, newest first, filterable by action, actor, target and time. */
import type { FastifyInstance } from 'fastify';
import { InsufficientScope } from '../../errors/oauth-error.ts';
import type { AuditEntry, AuditQuery } from '../../storage/types.ts';
import { tenantOf, type AdminCtx } from '../context.ts';
import { adminCtx } from './routes.ts';
import { integerParam, listResponse, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface AuditView {
  id: string;
  tenant_id: string;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
}

function view(e: AuditEntry): AuditView {
  return { id: e.id, tenant_id: e.tenantId, at: e.at, actor: e.actor, action: e.action, target_type: e.targetType, target_id: e.targetId, detail: e.detail };
}

function auditQuery(query: Query): AuditQuery {
  const q: AuditQuery = { ...pageOptions(query) };
  const action = one(query, 'action');
  const actor = one(query, 'actor');
  const targetType = one(query, 'target_type');
  const targetId = one(query, 'target_id');
  const since = integerParam(query, 'since');
  const until = integerParam(query, 'until');
  if (action !== undefined) q.action = action;
  if (actor !== undefined) q.actor = actor;
  if (targetType !== undefined) q.targetType = targetType;
  if (targetId !== undefined) q.targetId = targetId;
  if (since !== undefined) q.since = since;
  if (until !== undefined) q.until = until;
  return q;
}

/** One tenant's log. */
export async function listTenantAudit(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<AuditView>> {
  const tenant = await tenantOf(actx, tenantRef);
  return listResponse(await actx.services.storage.audit.list(tenant.id, auditQuery(query)), view);
}

/** Every tenant's log together (global administrators only). */
export async function listAllAudit(actx: AdminCtx, query: Query): Promise<ListResponse<AuditView>> {
  if (actx.principal.tenants !== 'all') throw new InsufficientScope('only global administrators read the whole audit log');
  return listResponse(await actx.services.storage.audit.list(undefined, auditQuery(query)), view);
}

export function auditRoutes(api: FastifyInstance): void {
  api.get<{ Querystring: Query }>('/audit', (r) => listAllAudit(adminCtx(r), r.query));
  api.get<{ Params: { tenant: string }; Querystring: Query }>('/tenants/:tenant/audit', (r) => listTenantAudit(adminCtx(r), r.params.tenant, r.query));
}
