/**
 * Benchmark child: Portcullis, started as the tests start it (test/helpers/server.ts: a
 * temporary SQLite database and data directory, silent logs, 127.0.0.1 on a free port).
 * argv[2] is the access token format, `jwt` (the default) or `opaque`.
 */
import { startServer } from '../../test/helpers/server.ts';
import { CLIENT, REDIRECT_URI, SCOPE, USER } from '../fixtures.ts';
import { serveChild } from './child.ts';

const format = process.argv[2] === 'opaque' ? 'opaque' : 'jwt';

await serveChild(async () => {
  const server = await startServer({
    features: { pkce: 'required', accessTokenFormat: format },
    clients: [
      {
        ...CLIENT,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: SCOPE,
      },
    ],
    users: [USER],
  });
  return { url: server.url, close: () => server.close() };
});
