/** Admin API: live browser sessions, and ending one (with back-channel logout, as at the end-session endpoint). */
import { NotFound } from '../../errors/oauth-error.ts';
import { endSession } from '../../logout/end-session.ts';
import type { SessionRecord } from '../../storage/types.ts';
import { ctxFor, record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, one, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface SessionView {
  sid: string;
  sub: string;
  auth_time: number;
  acr: string | null;
  amr: string[];
  created_at: number;
  expires_at: number;
}

const view = (s: SessionRecord): SessionView => ({ sid: s.id, sub: s.sub, auth_time: s.authTime, acr: s.acr, amr: s.amr, created_at: s.createdAt, expires_at: s.expiresAt });

export async function listSessions(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<SessionView>> {
  const tenant = await tenantOf(actx, tenantRef);
  const sub = one(query, 'sub');
  const page = await actx.services.storage.admin.listSessions(tenant.id, actx.services.now(), { ...pageOptions(query), ...(sub ? { sub } : {}) });
  return listResponse(page, view);
}

export async function revokeSession(actx: AdminCtx, tenantRef: string, sid: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  const ctx = ctxFor(actx, tenant);
  const session = await ctx.storage.sessions.get(tenant.id, sid);
  if (!session || session.endedAt !== null || session.expiresAt <= ctx.now()) throw new NotFound('no live session with that id');
  const result = await endSession(ctx, session, 'admin');
  await record(actx, { tenantId: tenant.id, action: 'session.revoke', targetType: 'session', targetId: sid, detail: { sub: session.sub, back_channel: result.backChannel, grants_revoked: result.revokedGrants } });
}
