/**
 * The user's answer to a CIBA request, from the approval page: record it atomically and, in the
 * same transaction, enqueue what the client's delivery mode needs — nothing (poll), a ping
 * (CIBA §10.2), or the tokens or the error themselves (push, CIBA §10.3.1, §12).
 */
import type { Ctx } from '../context.ts';
import { approve, createApprovedGrant } from '../device/approve.ts';
import { issueForGrant, revokeGrant } from '../grants/issue-tokens.ts';
import { Params } from '../http/params.ts';
import type { CibaRequestRecord, ClientRecord, OutboxInsert, SessionRecord, UserRecord } from '../storage/types.ts';
import { halfHash } from '../tokens/hashes.ts';
import { idTokenAlg } from '../tokens/id-token.ts';
import { openNotification, pingNotification, pushNotification, type NotificationSecret } from './notify.ts';
import { AUTH_REQ_ID_CLAIM, RT_HASH_CLAIM } from './paths.ts';

export interface CibaDecisionInput {
  record: CibaRequestRecord;
  client: ClientRecord;
  session: SessionRecord;
  user: UserRecord;
}

function notifications(ctx: Ctx, input: CibaDecisionInput, secret: NotificationSecret | undefined, pushBody: Record<string, unknown>): OutboxInsert[] {
  if (!secret) return [];
  if (input.record.deliveryMode === 'ping') return pingNotification(ctx, input.client, secret);
  if (input.record.deliveryMode === 'push') return pushNotification(ctx, input.client, secret, pushBody);
  return [];
}

/** Records a denial; true when this answer was the one recorded. */
export async function denyCiba(ctx: Ctx, input: CibaDecisionInput): Promise<boolean> {
  const secret = openNotification(ctx, input.record);
  // CIBA §12: a push client receives the error; a ping client is pinged and reads it at the token endpoint.
  const deliveries = notifications(ctx, input, secret, { error: 'access_denied', error_description: 'the user denied the request' });
  return ctx.storage.ciba.decide(ctx.tenant.id, input.record.hash, { status: 'denied' }, ctx.now(), { deliveries });
}

/** Push mode: the tokens are issued now, with the push ID token claims of CIBA §10.3.1. */
async function approvePush(ctx: Ctx, input: CibaDecisionInput, secret: NotificationSecret): Promise<boolean> {
  const { record, client, session, user } = input;
  const grant = await createApprovedGrant(ctx, { record, sub: user.id, session, acr: record.acr });
  const alg = idTokenAlg(client.metadata);
  const tokens = await issueForGrant(ctx, client, grant, Params.empty(), {
    extraIdTokenClaims: (issued) => ({
      [AUTH_REQ_ID_CLAIM]: secret.authReqId,
      ...(issued.refresh_token ? { [RT_HASH_CLAIM]: halfHash(alg, issued.refresh_token) } : {}),
    }),
  });
  const won = await ctx.storage.ciba.decide(ctx.tenant.id, record.hash, { status: 'approved', grantId: grant.id }, ctx.now(), {
    consume: true,
    deliveries: notifications(ctx, input, secret, { ...tokens }),
  });
  // Another answer won: the tokens issued here are revoked with their grant, never sent.
  if (!won) await revokeGrant(ctx, grant.id);
  return won;
}

/** Records an approval; true when this answer was the one recorded. */
export async function approveCiba(ctx: Ctx, input: CibaDecisionInput): Promise<boolean> {
  const { record, session, user } = input;
  const secret = openNotification(ctx, record);
  if (record.deliveryMode === 'push' && secret) return approvePush(ctx, input, secret);
  const deliveries = notifications(ctx, input, secret, {});
  const { won } = await approve(ctx, { record, sub: user.id, session, acr: record.acr }, (grantId) =>
    ctx.storage.ciba.decide(ctx.tenant.id, record.hash, { status: 'approved', grantId }, ctx.now(), { deliveries }),
  );
  return won;
}
