/**
 * buildApp: the whole HTTP surface, without listening (tests use `inject()` or listen themselves).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import cookie from '@fastify/cookie';
import type { Services } from './context.ts';
import { sendError, toOAuthError, type ErrorStyle } from './errors/render.ts';
import { Params } from './http/params.ts';
import { registerTenantScopes } from './http/tenant-scope.ts';
import { securityHeaders } from './http/security-headers.ts';
import { pathInsertionRoutes } from './endpoints/discovery/path-insertion.ts';
import { healthRoutes } from './endpoints/health/route.ts';
import { metricsRoutes } from './metrics/http.ts';
import { tracingHooks } from './ops/tracing.ts';
import { tenantRoutes } from './endpoints/index.ts';
import { adminRoutes } from './admin/index.ts';
import type { TenantRegistry } from './tenancy/registry.ts';
import { renderErrorPage } from './interaction/error-page.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How errors thrown by this route are rendered (default json). */
    errorStyle?: ErrorStyle;
  }
}

export interface AppOptions {
  services: Services;
  tenants: TenantRegistry;
  /** The process logger; without one, nothing is logged (tests). */
  logger?: Logger;
}

/** Only the path is logged: query strings and bodies can carry secrets. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services, tenants } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // One line per request is written by the onResponse hook below, with the path only.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 128 * 1024,
    // The client address (login, registration and user-code limits) comes from X-Forwarded-For
    // only when the connection is from a configured proxy. URLs never come from forwarded
    // headers: they are built from the configured issuer.
    trustProxy: services.config.trustProxy.length > 0 ? services.config.trustProxy : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    // Unique across instances and workers, so one request's log line can be found anywhere.
    genReqId: () => randomUUID(),
  });

  await app.register(cookie);
  app.decorateRequest('ctx', undefined);

  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Params.parse(body as string));
  });

  app.addHook('onSend', securityHeaders);
  app.addHook('onResponse', (request, reply, done) => {
    // The log line is built only when it will be written.
    if (options.logger?.isLevelEnabled('info')) {
      request.log.info(
        { method: request.method, path: pathOf(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), tenant: request.ctx?.tenant.slug },
        'request',
      );
    }
    done();
  });

  const render = (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const error = toOAuthError(err);
    if (error.status >= 500) request.log.error({ err: error.detail ?? error.message }, 'server error');
    else if (error.detail) request.log.debug({ code: error.code, detail: error.detail }, 'request rejected');
    const style = request.routeOptions.config?.errorStyle ?? 'json';
    return sendError(reply, error, {
      style,
      realm: request.ctx?.tenant.issuer ?? services.config.issuer,
      page: (status, e) => renderErrorPage(request, status, e),
    });
  };
  app.setErrorHandler(render);
  app.setNotFoundHandler((request, reply) => render(Object.assign(new Error('not found'), { statusCode: 404 }), request, reply));

  // Request spans when OTEL_EXPORTER_OTLP_ENDPOINT is set (nothing otherwise).
  tracingHooks(app);
  // /metrics and its request hooks, before every route they measure.
  if (services.config.operations.metrics) metricsRoutes(app, services);
  healthRoutes(app, services);
  pathInsertionRoutes(app, services, tenants);
  registerTenantScopes(app, services, tenants, tenantRoutes);
  adminRoutes(app, services, tenants);
  return app;
}
