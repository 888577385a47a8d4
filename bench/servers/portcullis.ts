/**
 * Benchmark child: Portcullis, started as the tests start it (test/helpers/server.ts: a
 * temporary SQLite database and data directory, silent logs, 127.0.0.1 on a free port).
 * argv[2] is the access token format, `jwt` (the default) or `opaque`; argv[3] `memory` keeps
 * the database in memory (`sqlite::memory:`), as oidc-provider's development adapter keeps its
 * state, instead of in a file.
 */
import { startServer } from '../../test/helpers/server.ts';
import { CLIENT_REGISTRATION, USER } from '../fixtures.ts';
import { serveChild } from './child.ts';

const format = process.argv[2] === 'opaque' ? 'opaque' : 'jwt';

await serveChild(async () => {
  const server = await startServer({
    features: { pkce: 'required', accessTokenFormat: format },
    ...(process.argv[3] === 'memory' ? { database: 'sqlite::memory:' } : {}),
    clients: [CLIENT_REGISTRATION],
    users: [USER],
  });
  return { url: server.url, close: () => server.close() };
});
