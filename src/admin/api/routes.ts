/**
 * The admin API under /admin/api/v1: JSON in and out, every route (except the OpenAPI document)
 * authorised by an admin-scoped access token (admin/principal.ts). Errors are RFC 6750-style
 * JSON with bearer challenges on 401/403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../context.ts';
import { bearerToken } from '../../http/bearer.ts';
import type { TenantRegistry } from '../../tenancy/registry.ts';
import type { AdminCtx } from '../context.ts';
import { authenticateAdmin } from '../principal.ts';
import { openApiDocument } from '../openapi.ts';
import { auditRoutes } from './audit-log.ts';
import * as clients from './clients.ts';
import { extraRoutes } from './extra-routes.ts';
import type { Query } from './pagination.ts';
import * as tenants from './tenants.ts';
import * as users from './users.ts';

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminCtx | undefined;
  }
}

export const API_PREFIX = '/admin/api/v1';

export type P = { Params: Record<string, string>; Querystring: Query };

/** The admin context of an authenticated API request. */
export function adminCtx(request: FastifyRequest): AdminCtx {
  if (!request.admin) throw new Error('adminCtx() used outside the admin API');
  return request.admin;
}

/** A route handler that runs `action` and answers 204 No Content. */
export function noContent(action: (r: FastifyRequest<P>) => Promise<void>) {
  return async (r: FastifyRequest<P>, reply: FastifyReply) => {
    await action(r);
    return reply.code(204).send();
  };
}

export function adminApiRoutes(app: FastifyInstance, services: Services, registry: TenantRegistry): void {
  app.get(`${API_PREFIX}/openapi.json`, (_request, reply) => reply.header('cache-control', 'no-cache').send(openApiDocument(services.config.issuer)));

  void app.register(
    async (api) => {
      api.decorateRequest('admin', undefined);
      api.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const principal = await authenticateAdmin(services, registry, bearerToken(request));
        request.admin = { services, registry, principal };
      });
      // RFC 6750 §3: every admin API route answers errors as JSON with a bearer challenge.
      api.addHook('onRoute', (route) => {
        route.config = { ...route.config, errorStyle: 'bearer' };
      });

      api.get<P>('/tenants', (r) => tenants.listTenants(adminCtx(r), r.query));
      api.post<P>('/tenants', async (r, reply) => reply.code(201).send(await tenants.createTenant(adminCtx(r), r.body)));
      api.get<P>('/tenants/:tenant', (r) => tenants.getTenant(adminCtx(r), r.params['tenant'] ?? ''));
      api.patch<P>('/tenants/:tenant', (r) => tenants.updateTenant(adminCtx(r), r.params['tenant'] ?? '', r.body));
      api.delete<P>('/tenants/:tenant', noContent((r) => tenants.deleteTenant(adminCtx(r), r.params['tenant'] ?? '')));

      api.get<P>('/tenants/:tenant/clients', (r) => clients.listClients(adminCtx(r), r.params['tenant'] ?? '', r.query));
      api.post<P>('/tenants/:tenant/clients', async (r, reply) => reply.code(201).send(await clients.createClient(adminCtx(r), r.params['tenant'] ?? '', r.body)));
      api.get<P>('/tenants/:tenant/clients/:client', (r) => clients.getClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? ''));
      api.put<P>('/tenants/:tenant/clients/:client', (r) => clients.replaceClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/clients/:client/secret', (r) => clients.rotateClientSecret(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? ''));
      api.delete<P>('/tenants/:tenant/clients/:client', noContent((r) => clients.deleteClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? '')));

      api.get<P>('/tenants/:tenant/users', (r) => users.listUsers(adminCtx(r), r.params['tenant'] ?? '', r.query));
      api.post<P>('/tenants/:tenant/users', async (r, reply) => reply.code(201).send(await users.createUser(adminCtx(r), r.params['tenant'] ?? '', r.body)));
      api.get<P>('/tenants/:tenant/users/:sub', (r) => users.getUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? ''));
      api.patch<P>('/tenants/:tenant/users/:sub', (r) => users.updateUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/users/:sub/password', (r) => users.resetPassword(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/users/:sub/disable', (r) => users.setDisabled(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', true));
      api.post<P>('/tenants/:tenant/users/:sub/enable', (r) => users.setDisabled(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', false));
      api.delete<P>('/tenants/:tenant/users/:sub', noContent((r) => users.deleteUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '')));

      auditRoutes(api);
      extraRoutes(api);
    },
    { prefix: API_PREFIX },
  );
}
