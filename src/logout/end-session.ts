/**
 * Ending a browser session, wherever it is asked for (the end-session endpoint, the account
 * page, the CLI, later the admin API): the session ends, its grants without offline_access are
 * revoked, and a back-channel logout token for every participating client that registered a
 * `backchannel_logout_uri` is written to the outbox — all in one transaction.
 */
import type { Ctx } from '../context.ts';
import { outboxRow, wakeOutbox } from '../outbox/index.ts';
import type { ClientRecord, SessionRecord } from '../storage/types.ts';
import { BACKCHANNEL_LOGOUT_KIND, logoutTokenBody } from './logout-token.ts';

export interface EndedSession {
  /** False when the session was no longer live: nothing was done (someone else ended it). */
  ended: boolean;
  /** Front-channel logout URLs (with iss and sid) of the session's clients, for the signed-out page. */
  frontChannel: string[];
  backChannel: number;
  revokedGrants: number;
}

async function participants(ctx: Ctx, session: SessionRecord): Promise<ClientRecord[]> {
  const found = await Promise.all(session.clients.map((id) => ctx.storage.clients.get(ctx.tenant.id, id)));
  return found.filter((c): c is ClientRecord => c !== undefined);
}

/** Front-Channel Logout §2: the client's URI with `iss` and `sid` added to its query. */
function frontChannelUrl(ctx: Ctx, client: ClientRecord, sid: string): string | undefined {
  const uri = client.metadata.frontchannel_logout_uri;
  if (!uri) return undefined;
  const url = new URL(uri);
  // Front-Channel Logout §2: iss and sid identify the session; sent to every client (required
  // by those registering frontchannel_logout_session_required, harmless to the others).
  url.searchParams.set('iss', ctx.tenant.issuer);
  url.searchParams.set('sid', sid);
  return url.href;
}

export async function endSession(ctx: Ctx, session: SessionRecord, reason: string): Promise<EndedSession> {
  const clients = await participants(ctx, session);
  const deliveries = clients
    .filter((c) => c.metadata.backchannel_logout_uri)
    .map((c) =>
      outboxRow(ctx, {
        clientId: c.clientId,
        kind: BACKCHANNEL_LOGOUT_KIND,
        targetUrl: c.metadata.backchannel_logout_uri ?? '',
        body: logoutTokenBody(ctx, c.metadata, session.sub, session.id),
      }),
    );
  const result = await ctx.storage.logout.endSession(ctx.tenant.id, session.id, ctx.now(), deliveries);
  if (!result.ended) return { ended: false, frontChannel: [], backChannel: 0, revokedGrants: 0 };
  if (deliveries.length > 0) wakeOutbox();
  ctx.log.info(
    { event: 'session_ended', tenant: ctx.tenant.slug, sid: session.id, reason, clients: session.clients.length, backChannel: deliveries.length, revokedGrants: result.revokedGrants },
    'session ended',
  );
  const frontChannel = clients.map((c) => frontChannelUrl(ctx, c, session.id)).filter((u): u is string => u !== undefined);
  return { ended: true, frontChannel, backChannel: deliveries.length, revokedGrants: result.revokedGrants };
}

/** Ends every live session of local user `sub`; returns how many ended. */
export async function endUserSessions(ctx: Ctx, sub: string, reason: string): Promise<number> {
  let ended = 0;
  for (const session of await ctx.storage.sessions.listBySub(ctx.tenant.id, sub, ctx.now())) {
    if ((await endSession(ctx, session, reason)).ended) ended++;
  }
  return ended;
}
