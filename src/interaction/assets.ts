/** Static assets of the interaction pages: one stylesheet, cached by content hash. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { STYLESHEET } from './views/stylesheet.ts';

const VERSION = createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12);

export function stylesheetHref(basePath: string): string {
  return `${basePath}/assets/portcullis-${VERSION}.css`;
}

export function assetRoutes(app: FastifyInstance): void {
  app.get('/assets/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!/^portcullis-[0-9a-f]{12}\.css$/.test(name)) {
      return reply.code(404).type('text/plain').send('not found');
    }
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(STYLESHEET);
  });
}
