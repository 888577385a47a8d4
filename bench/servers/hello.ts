/** Benchmark child: the ceiling, a Fastify route that answers a small JSON document and does nothing else. */
import Fastify from 'fastify';
import { serveChild } from './child.ts';

await serveChild(async () => {
  const app = Fastify({ logger: false });
  app.post('/', async () => ({ hello: 'world' }));
  app.get('/', async () => ({ hello: 'world' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});
