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

/**
 * The labelled series under `key`, made on first use: prom-client would otherwise build and
 * hash the label set on every request. Keys are made of bounded label values only.
 */
function series<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let found = cache.get(key);
  if (found === undefined) {
    found = make();
    cache.set(key, found);
  }
  return found;
}

export function metricsRoutes(app: FastifyInstance, services: Services): void {
  collectProcessMetrics();
  observeStorage(services.storage);
  observeLogins((ok) => logins.inc({ result: ok ? 'success' : 'failure' }));

  const requests = new Map<string, { inc(): void }>();
  const durations = new Map<string, { observe(value: number): void }>();
  const issued = new Map<string, { inc(): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern (`/t/:tenant/token`), never the raw path: label values stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    const status = String(reply.statusCode);
    series(requests, `${status} ${method} ${route}`, () => httpRequests.labels({ route, method, status })).inc();
    series(durations, `${method} ${route}`, () => httpDuration.labels({ route, method })).observe(reply.elapsedTime / 1000);
    // Only a 200 counts, so grant_type is one the server supports.
    if (status === '200' && method === 'POST' && route.endsWith('/token') && request.body instanceof Params) {
      const grantType = request.body.get('grant_type');
      const tenant = request.ctx?.tenant.slug ?? '';
      if (grantType) series(issued, `${grantType} ${tenant}`, () => tokensIssued.labels({ grant_type: grantType, tenant })).inc();
    }
    done();
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metricsText();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });
}
