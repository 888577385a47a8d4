/** Everything under /admin: the JSON API (/admin/api/v1) and the console pages. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../context.ts';
import type { TenantRegistry } from '../tenancy/registry.ts';
import { adminApiRoutes } from './api/routes.ts';
import { consoleRoutes } from './console/routes.ts';

export function adminRoutes(app: FastifyInstance, services: Services, registry: TenantRegistry): void {
  adminApiRoutes(app, services, registry);
  consoleRoutes(app, services, registry);
}
