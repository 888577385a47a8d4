/**
 * Recording a user's decision on a device code or CIBA request. Approval creates the grant the
 * tokens will come from (as the code flow does at consent), then flips the row from pending in
 * one conditional UPDATE; if another decision won the race, the new grant is revoked unused.
 */
import type { Ctx } from '../context.ts';
import { timeOrderedId } from '../domain/time-ordered-id.ts';
import { revokeGrant } from '../grants/issue-tokens.ts';
import type { GrantRecord, PollableRecord, SessionRecord } from '../storage/types.ts';

export interface Approval {
  record: PollableRecord;
  sub: string;
  session: SessionRecord;
  acr: string | null;
}

/** Creates the grant for an approval and returns it. */
export async function createApprovedGrant(ctx: Ctx, approval: Approval): Promise<GrantRecord> {
  const now = ctx.now();
  const grant: GrantRecord = {
    tenantId: ctx.tenant.id,
    id: timeOrderedId(),
    clientId: approval.record.clientId,
    sub: approval.sub,
    scope: approval.record.scope,
    resources: approval.record.resources,
    claims: null,
    authTime: approval.session.authTime,
    acr: approval.acr ?? approval.session.acr,
    amr: approval.session.amr,
    // The tokens go to another device, not to this browser session.
    sid: null,
    createdAt: now,
    expiresAt: now + ctx.config.lifetimes.refreshToken,
    revokedAt: null,
  };
  await ctx.storage.grants.insert(grant);
  return grant;
}

/**
 * Applies `decide` (the repository's conditional UPDATE) for an approval; true when this
 * decision won. A losing approval's grant is revoked so nothing can ever come of it.
 */
export async function approve(ctx: Ctx, approval: Approval, decide: (grantId: string) => Promise<boolean>): Promise<{ won: boolean; grantId: string }> {
  const { id: grantId } = await createApprovedGrant(ctx, approval);
  const won = await decide(grantId);
  if (!won) await revokeGrant(ctx, grantId);
  return { won, grantId };
}
