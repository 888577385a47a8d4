/**
 * Benchmark child: Portcullis with the service client and the three resources of
 * bench/api-fixtures.ts, started as the tests start it (temporary SQLite database, silent logs).
 */
import { startServer } from '../../test/helpers/server.ts';
import { RESOURCES, SERVICE } from '../api-fixtures.ts';
import { serveChild } from './child.ts';

await serveChild(async () => {
  const server = await startServer({
    clients: [{ ...SERVICE, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' }],
    resources: Object.values(RESOURCES).map((r) => ({ identifier: r.identifier, scopes: [SERVICE.scope], accessTokenFormat: r.format, accessTokenSigningAlg: r.alg })),
  });
  return { url: server.url, close: () => server.close() };
});
