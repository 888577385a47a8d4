/**
 * Benchmark child: Portcullis, started as the tests start it (test/helpers/server.ts: a
 * temporary SQLite database and data directory, silent logs, 127.0.0.1 on a free port), with
 * its helper threads' priority lowered as `npm start` lowers it (src/main.ts).
 * argv[2] is the access token format, `jwt` (the default) or `opaque`. Then, in any order:
 * `memory` keeps the database in memory (`sqlite::memory:`), as oidc-provider's development
 * adapter keeps its state, instead of in a file; `nice=N` sets `operations.helperThreadNice`.
 */
import { lowerHelperThreads } from '../../src/ops/thread-priority.ts';
import { startServer } from '../../test/helpers/server.ts';
import { CLIENT_REGISTRATION, USER } from '../fixtures.ts';
import { serveChild } from './child.ts';

const [format, ...options] = process.argv.slice(2);
const nice = options.find((o) => o.startsWith('nice='));

await serveChild(async () => {
  const server = await startServer({
    features: { pkce: 'required', accessTokenFormat: format === 'opaque' ? 'opaque' : 'jwt' },
    ...(options.includes('memory') ? { database: 'sqlite::memory:' } : {}),
    ...(nice ? { operations: { helperThreadNice: Number(nice.slice('nice='.length)) } } : {}),
    clients: [CLIENT_REGISTRATION],
    users: [USER],
  });
  await lowerHelperThreads(server.config.operations.helperThreadNice);
  return { url: server.url, close: () => server.close() };
});
