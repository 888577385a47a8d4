/** Admin API routes for keys, consents, sessions, initial access tokens, deliveries and resources. */
import type { FastifyInstance } from 'fastify';
import * as consents from './consents.ts';
import * as deliveries from './deliveries.ts';
import * as iats from './initial-access-tokens.ts';
import * as keys from './keys.ts';
import type { Query } from './pagination.ts';
import * as resources from './resources.ts';
import { adminCtx } from './routes.ts';
import * as sessions from './sessions.ts';

type P = { Params: Record<string, string>; Querystring: Query };

export function extraRoutes(api: FastifyInstance): void {
  const json = { config: { errorStyle: 'bearer' as const } };
  const t = (params: Record<string, string>) => params['tenant'] ?? '';

  api.get<P>('/tenants/:tenant/keys', json, (r) => keys.listKeys(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/keys/rotate', json, (r) => keys.rotateKeys(adminCtx(r), t(r.params), r.body));

  api.get<P>('/tenants/:tenant/consents', json, (r) => consents.listConsents(adminCtx(r), t(r.params), r.query));
  api.delete<P>('/tenants/:tenant/consents/:sub/:client', json, async (r, reply) => {
    await consents.revokeConsent(adminCtx(r), t(r.params), r.params['sub'] ?? '', r.params['client'] ?? '');
    return reply.code(204).send();
  });

  api.get<P>('/tenants/:tenant/sessions', json, (r) => sessions.listSessions(adminCtx(r), t(r.params), r.query));
  api.delete<P>('/tenants/:tenant/sessions/:sid', json, async (r, reply) => {
    await sessions.revokeSession(adminCtx(r), t(r.params), r.params['sid'] ?? '');
    return reply.code(204).send();
  });

  api.get<P>('/tenants/:tenant/initial-access-tokens', json, (r) => iats.listInitialAccessTokens(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/initial-access-tokens', json, async (r, reply) => reply.code(201).send(await iats.createInitialAccessToken(adminCtx(r), t(r.params), r.body)));
  api.delete<P>('/tenants/:tenant/initial-access-tokens/:id', json, async (r, reply) => {
    await iats.revokeInitialAccessToken(adminCtx(r), t(r.params), r.params['id'] ?? '');
    return reply.code(204).send();
  });

  api.get<P>('/tenants/:tenant/deliveries', json, (r) => deliveries.listDeliveries(adminCtx(r), t(r.params), r.query));
  api.post<P>('/tenants/:tenant/deliveries/:id/retry', json, async (r, reply) => {
    await deliveries.retryDelivery(adminCtx(r), t(r.params), r.params['id'] ?? '');
    return reply.code(204).send();
  });

  api.get<P>('/tenants/:tenant/resources', json, (r) => resources.listResources(adminCtx(r), t(r.params), r.query));
}
