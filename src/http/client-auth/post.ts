/** `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form body. */
import type { Ctx } from '../../context.ts';
import { loadClient, requireRegisteredMethod, verifySecret } from './common.ts';
import type { AuthenticatedClient } from './types.ts';

/** Authenticates a client by the `client_id` / `client_secret` body parameters. */
export async function authenticatePost(ctx: Ctx, clientId: string, secret: string): Promise<AuthenticatedClient> {
  const client = await loadClient(ctx, clientId);
  requireRegisteredMethod(client, 'client_secret_post');
  verifySecret(client, secret);
  return { client, method: 'client_secret_post' };
}
