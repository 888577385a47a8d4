/**
 * Subject identifiers (OIDC Core §8): `public` clients see the user's id; `pairwise` clients
 * see an identifier derived from the sector, so clients of different sectors cannot correlate
 * a user while one sector always sees the same value.
 */
import type { Ctx } from '../context.ts';
import type { ClientMetadata } from '../domain/client.ts';

/** OIDC Core §8.1: the host of sector_identifier_uri, else the host of the redirect URIs. */
function sectorOf(client: ClientMetadata): string {
  const source = client.sector_identifier_uri ?? client.redirect_uris[0];
  return source ? new URL(source).host : client.client_id;
}

/** The `sub` this client sees for local user id `userId`. */
export function subjectFor(ctx: Ctx, client: ClientMetadata, userId: string): string {
  if (client.subject_type !== 'pairwise') return userId;
  return ctx.kek.mac('pairwise-sub', `${ctx.tenant.id}\n${sectorOf(client)}\n${userId}`);
}
