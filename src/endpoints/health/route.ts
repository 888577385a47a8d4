import type { FastifyInstance } from 'fastify';
import type { Services } from '../../context.ts';

/** Liveness and readiness (CONTRACT.md §1). Not tenant-scoped. */
export function healthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await services.storage.ping();
      return reply.send({ status: 'ok' });
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
