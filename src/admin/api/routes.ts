/**
 * The admin API under /admin/api/v1: JSON in and out, every route (except the OpenAPI document)
 * authorised by an admin-scoped access token (admin/principal.ts). Errors are RFC 6750-style
 * JSON with bearer challenges on 401/403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

type P = { Params: Record<string, string>; Querystring: Query };

/** The admin context of an authenticated API request. */
export function adminCtx(request: FastifyRequest): AdminCtx {
  if (!request.admin) throw new Error('adminCtx() used outside the admin API');
  return request.admin;
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
      const json = { config: { errorStyle: 'bearer' as const } };

      api.get<P>('/tenants', json, (r) => tenants.listTenants(adminCtx(r), r.query));
      api.post<P>('/tenants', json, async (r, reply) => reply.code(201).send(await tenants.createTenant(adminCtx(r), r.body)));
      api.get<P>('/tenants/:tenant', json, (r) => tenants.getTenant(adminCtx(r), r.params['tenant'] ?? ''));
      api.patch<P>('/tenants/:tenant', json, (r) => tenants.updateTenant(adminCtx(r), r.params['tenant'] ?? '', r.body));
      api.delete<P>('/tenants/:tenant', json, async (r, reply) => {
        await tenants.deleteTenant(adminCtx(r), r.params['tenant'] ?? '');
        return reply.code(204).send();
      });

      api.get<P>('/tenants/:tenant/clients', json, (r) => clients.listClients(adminCtx(r), r.params['tenant'] ?? '', r.query));
      api.post<P>('/tenants/:tenant/clients', json, async (r, reply) => reply.code(201).send(await clients.createClient(adminCtx(r), r.params['tenant'] ?? '', r.body)));
      api.get<P>('/tenants/:tenant/clients/:client', json, (r) => clients.getClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? ''));
      api.put<P>('/tenants/:tenant/clients/:client', json, (r) => clients.replaceClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/clients/:client/secret', json, (r) => clients.rotateClientSecret(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? ''));
      api.delete<P>('/tenants/:tenant/clients/:client', json, async (r, reply) => {
        await clients.deleteClient(adminCtx(r), r.params['tenant'] ?? '', r.params['client'] ?? '');
        return reply.code(204).send();
      });

      api.get<P>('/tenants/:tenant/users', json, (r) => users.listUsers(adminCtx(r), r.params['tenant'] ?? '', r.query));
      api.post<P>('/tenants/:tenant/users', json, async (r, reply) => reply.code(201).send(await users.createUser(adminCtx(r), r.params['tenant'] ?? '', r.body)));
      api.get<P>('/tenants/:tenant/users/:sub', json, (r) => users.getUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? ''));
      api.patch<P>('/tenants/:tenant/users/:sub', json, (r) => users.updateUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/users/:sub/password', json, (r) => users.resetPassword(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', r.body));
      api.post<P>('/tenants/:tenant/users/:sub/disable', json, (r) => users.setDisabled(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', true));
      api.post<P>('/tenants/:tenant/users/:sub/enable', json, (r) => users.setDisabled(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '', false));
      api.delete<P>('/tenants/:tenant/users/:sub', json, async (r, reply) => {
        await users.deleteUser(adminCtx(r), r.params['tenant'] ?? '', r.params['sub'] ?? '');
        return reply.code(204).send();
      });

      auditRoutes(api);
      extraRoutes(api);
    },
    { prefix: API_PREFIX },
  );
}
