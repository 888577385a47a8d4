/** Admin API routes for keys, consents, sessions, initial access tokens, deliveries and resources. */
import type { FastifyInstance } from 'fastify';
import * as consents from './consents.ts';
import * as deliveries from './deliveries.ts';
import * as iats from './initial-access-tokens.ts';
import * as keys from './keys.ts';
import * as resources from './resources.ts';
import { adminCtx, noContent, type P } from './routes.ts';
import * as sessions from './sessions.ts';

export function extraRoutes(api: FastifyInstance): void {
  const t = (params: Record<string, string>) => params['tenant'] ?? '';

  api.get<P>('/tenants/:tenant/keys', (r) => keys.listKeys(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/keys/rotate', (r) => keys.rotateKeys(adminCtx(r), t(r.params), r.body));

  api.get<P>('/tenants/:tenant/consents', (r) => consents.listConsents(adminCtx(r), t(r.params), r.query));
  api.delete<P>('/tenants/:tenant/consents/:sub/:client', noContent((r) => consents.revokeConsent(adminCtx(r), t(r.params), r.params['sub'] ?? '', r.params['client'] ?? '')));

  api.get<P>('/tenants/:tenant/sessions', (r) => sessions.listSessions(adminCtx(r), t(r.params), r.query));
  api.delete<P>('/tenants/:tenant/sessions/:sid', noContent((r) => sessions.revokeSession(adminCtx(r), t(r.params), r.params['sid'] ?? '')));

  api.get<P>('/tenants/:tenant/initial-access-tokens', (r) => iats.listInitialAccessTokens(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/initial-access-tokens', async (r, reply) => reply.code(201).send(await iats.createInitialAccessToken(adminCtx(r), t(r.params), r.body)));
  api.delete<P>('/tenants/:tenant/initial-access-tokens/:id', noContent((r) => iats.revokeInitialAccessToken(adminCtx(r), t(r.params), r.params['id'] ?? '')));

  api.get<P>('/tenants/:tenant/deliveries', (r) => deliveries.listDeliveries(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/deliveries/:id/retry', noContent((r) => deliveries.retryDelivery(adminCtx(r), t(r.params), r.params['id'] ?? '')));

  api.get<P>('/tenants/:tenant/resources', (r) => resources.listResources(adminCtx(r), t(r.params), r.query));
}
