/**
 * `/metrics` (Prometheus text format) and the request hooks that feed it. Registered by
 * buildApp when `operations.metrics` is on. Not tenant-scoped, like /healthz.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../context.ts';
import { Params } from '../http/params.ts';
import { observeLogins } from '../security/login-throttle.ts';
import { metricsText } from './collect.ts';
import { collectProcessMetrics, httpDuration, httpRequests, logins, observeStorage, tokensIssued } from './registry.ts';

export function metricsRoutes(app: FastifyInstance, services: Services): void {
  collectProcessMetrics();
  observeStorage(services.storage);
  observeLogins((ok) => logins.inc({ result: ok ? 'success' : 'failure' }));

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern (`/t/:tenant/token`), never the raw path: label values stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    httpRequests.inc({ route, method, status: String(reply.statusCode) });
    httpDuration.observe({ route, method }, reply.elapsedTime / 1000);
    if (reply.statusCode === 200 && method === 'POST' && route.endsWith('/token') && request.body instanceof Params) {
      const grantType = request.body.get('grant_type');
      if (grantType) tokensIssued.inc({ grant_type: grantType, tenant: request.ctx?.tenant.slug ?? '' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metricsText();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });
}
