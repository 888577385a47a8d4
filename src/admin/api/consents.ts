/** Admin API: consents (what each user allowed each client), and their revocation. */
import { NotFound } from '../../errors/oauth-error.ts';
import type { ConsentRecord } from '../../storage/types.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface ConsentView {
  sub: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
}

const view = (c: ConsentRecord): ConsentView => ({ sub: c.sub, client_id: c.clientId, scope: c.scope, created_at: c.createdAt, updated_at: c.updatedAt });

export async function listConsents(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<ConsentView>> {
  const tenant = await tenantOf(actx, tenantRef);
  const sub = one(query, 'sub');
  const clientId = one(query, 'client_id');
  const page = await actx.services.storage.admin.listConsents(tenant.id, { ...pageOptions(query), ...(sub ? { sub } : {}), ...(clientId ? { clientId } : {}) });
  return listResponse(page, view);
}

/** Forgets the consent, so the user is asked again; the grants it led to are left to their own lifetimes. */
export async function revokeConsent(actx: AdminCtx, tenantRef: string, sub: string, clientId: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  const deleted = await actx.services.storage.consents.delete(tenant.id, sub, clientId);
  if (!deleted) throw new NotFound('no such consent');
  await record(actx, { tenantId: tenant.id, action: 'consent.revoke', targetType: 'consent', targetId: `${sub} ${clientId}`, detail: { sub, client_id: clientId } });
}
