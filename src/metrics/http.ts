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

  // The labelled series of each route, method and status, looked up once: prom-client would
  // otherwise build and hash the label set on every request.
  const series = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern (`/t/:tenant/token`), never the raw path: label values stay few.
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    const status = reply.statusCode;
    const key = `${status} ${method} ${route}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { requests: httpRequests.labels({ route, method, status: String(status) }), duration: httpDuration.labels({ route, method }) };
      series.set(key, entry);
    }
    entry.requests.inc();
    entry.duration.observe(reply.elapsedTime / 1000);
    if (status === 200 && method === 'POST' && route.endsWith('/token') && request.body instanceof Params) {
      const grantType = request.body.get('grant_type');
      if (grantType) tokensIssued.inc({ grant_type: grantType, tenant: request.ctx?.tenant.slug ?? '' });
    }
    done();
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metricsText();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });
}
