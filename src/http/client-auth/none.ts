/** `none` (RFC 6749 §2.1, RFC 7591 §2): a public client identifies itself by `client_id` alone. */
import type { Ctx } from '../../context.ts';
import { authFailed, loadClient, requireRegisteredMethod } from './common.ts';
import type { AuthenticatedClient } from './types.ts';

/** Identifies a public client; refused when the endpoint does not admit public clients. */
export async function authenticateNone(ctx: Ctx, clientId: string, allowPublic: boolean): Promise<AuthenticatedClient> {
  const client = await loadClient(ctx, clientId);
  // RFC 6749 §3.2.1: a confidential client must authenticate; client_id alone is not enough.
  requireRegisteredMethod(client, 'none');
  // RFC 7662 §2.1 / RFC 7009 §2: some endpoints require an authenticated (confidential) client.
  if (!allowPublic) {
    throw authFailed(`public client ${clientId} is not allowed at this endpoint`, undefined, 'client authentication required');
  }
  return { client, method: 'none' };
}
