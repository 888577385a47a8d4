/**
 * Benchmark child: Portcullis with the service client and the three resources of
 * bench/api-fixtures.ts, started as the tests start it (temporary SQLite database, silent logs),
 * with its helper threads' priority lowered as `npm start` lowers it (src/main.ts).
 */
import { lowerHelperThreads } from '../../src/ops/thread-priority.ts';
import { startServer } from '../../test/helpers/server.ts';
import { PORTCULLIS_RESOURCES, SERVICE_REGISTRATION } from '../api-fixtures.ts';
import { serveChild } from './child.ts';

await serveChild(async () => {
  const server = await startServer({
    clients: [SERVICE_REGISTRATION],
    resources: PORTCULLIS_RESOURCES,
  });
  await lowerHelperThreads(server.config.operations.helperThreadNice);
  return { url: server.url, close: () => server.close() };
});
