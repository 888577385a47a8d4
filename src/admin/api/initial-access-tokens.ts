/** Admin API: RFC 7591 §3 initial access tokens for `initial-access-token` registration. */
import { randomUUID } from 'node:crypto';
import { InvalidRequest, NotFound } from '../../errors/oauth-error.ts';
import { hashSecret, randomSecret } from '../../security/secrets.ts';
import type { InitialAccessTokenRecord } from '../../storage/types.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { listResponse, objectBody, pageOptions, type ListResponse, type Query } from './pagination.ts';

export interface InitialAccessTokenView {
  id: string;
  label: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** Only in the response that creates it. */
  token?: string;
}

const view = (t: InitialAccessTokenRecord): InitialAccessTokenView => ({ id: t.id, label: t.label, created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: t.revokedAt });

export async function listInitialAccessTokens(actx: AdminCtx, tenantRef: string, query: Query): Promise<ListResponse<InitialAccessTokenView>> {
  const tenant = await tenantOf(actx, tenantRef);
  return listResponse(await actx.services.storage.initialAccessTokens.list(tenant.id, pageOptions(query)), view);
}

export async function createInitialAccessToken(actx: AdminCtx, tenantRef: string, body: unknown): Promise<InitialAccessTokenView> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = body === undefined || body === null ? {} : objectBody(body);
  const label = fields['label'] ?? '';
  const ttl = fields['expires_in'];
  if (typeof label !== 'string' || label.length > 200) throw new InvalidRequest('label must be a string of at most 200 characters');
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1)) throw new InvalidRequest('expires_in must be a positive integer (seconds)');
  const now = actx.services.now();
  const token = randomSecret('pc_iat_');
  const created: InitialAccessTokenRecord = {
    tenantId: tenant.id,
    id: randomUUID(),
    hash: hashSecret(token),
    label,
    createdAt: now,
    expiresAt: ttl === undefined ? null : now + ttl,
    revokedAt: null,
  };
  await actx.services.storage.initialAccessTokens.insert(created);
  await record(actx, { tenantId: tenant.id, action: 'initial_access_token.create', targetType: 'initial_access_token', targetId: created.id, detail: { label } });
  return { ...view(created), token };
}

export async function revokeInitialAccessToken(actx: AdminCtx, tenantRef: string, id: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  if (!(await actx.services.storage.initialAccessTokens.revoke(tenant.id, id, actx.services.now()))) throw new NotFound('no live initial access token with that id');
  await record(actx, { tenantId: tenant.id, action: 'initial_access_token.revoke', targetType: 'initial_access_token', targetId: id });
}
