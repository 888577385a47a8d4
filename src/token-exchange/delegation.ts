/**
 * Delegation and impersonation (RFC 8693 §1.1): who acts, whether the subject token lets them,
 * and the `act` claim (§4.1) of the issued token, nested so that the chain of prior actors
 * survives every hop.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { ClientRecord } from '../storage/types.ts';
import type { ExchangePolicy } from './policy.ts';
import type { PresentedToken } from './presented-token.ts';

export interface Actor {
  sub: string;
  /** The issuer the actor's identifier belongs to. */
  iss: string;
}

export type Acting =
  /** The issued token names the actor in `act`, the prior chain nested inside. */
  | { mode: 'delegation'; act: Record<string, unknown> }
  /** The issued token carries no new actor; a chain already in the subject token is kept. */
  | { mode: 'impersonation'; act: Record<string, unknown> | undefined };

/** RFC 8693 §1.1: the actor is the `actor_token`'s subject, or else the requesting client. */
export function actorOf(ctx: Ctx, client: ClientRecord, actorToken: PresentedToken | undefined): Actor {
  return actorToken ? { sub: actorToken.sub, iss: actorToken.iss } : { sub: client.clientId, iss: ctx.tenant.issuer };
}

/** How many actors a chain names (0 without `act`). */
export function chainDepth(act: Record<string, unknown> | undefined): number {
  let depth = 0;
  let current: unknown = act;
  while (current !== null && typeof current === 'object' && !Array.isArray(current) && depth < 64) {
    depth++;
    current = (current as Record<string, unknown>)['act'];
  }
  return depth;
}

/**
 * RFC 8693 §4.4: `may_act` names the party allowed to act for the subject. Its `sub` must be
 * the actor's; its `iss`, or else the subject token's issuer, must be the actor's issuer.
 */
export function mayActAllows(mayAct: unknown, subjectIssuer: string, actor: Actor): boolean {
  if (mayAct === undefined) return true;
  if (mayAct === null || typeof mayAct !== 'object' || Array.isArray(mayAct)) return false;
  const { sub, iss } = mayAct as Record<string, unknown>;
  return sub === actor.sub && (typeof iss === 'string' ? iss : subjectIssuer) === actor.iss;
}

function actClaim(ctx: Ctx, actor: Actor, prior: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    sub: actor.sub,
    // RFC 8693 §4.1: `iss` qualifies a subject that is not this issuer's.
    ...(actor.iss !== ctx.tenant.issuer ? { iss: actor.iss } : {}),
    ...(prior ? { act: prior } : {}),
  };
}

/**
 * Delegation unless the policy forbids it; then impersonation, only where the policy allows
 * it. `may_act` in the subject token binds both; a chain may not grow past `max_chain_depth`.
 */
export function decideActing(ctx: Ctx, policy: ExchangePolicy, client: ClientRecord, subject: PresentedToken, actorToken: PresentedToken | undefined): Acting {
  const actor = actorOf(ctx, client, actorToken);
  // RFC 8693 §4.4 / §2.2.2: a subject token that names another actor is unacceptable here.
  if (!mayActAllows(subject.mayAct, subject.iss, actor)) throw new InvalidRequest('the subject_token does not allow this actor to act for its subject');
  if (policy.allowDelegation) {
    const depth = chainDepth(subject.act) + 1;
    // RFC 8693 §2.2.2: unacceptable by policy; the nested `act` chain would grow too deep.
    if (depth > policy.maxChainDepth) throw new InvalidRequest(`the delegation chain would be ${depth} actors deep; this client allows at most ${policy.maxChainDepth}`);
    return { mode: 'delegation', act: actClaim(ctx, actor, subject.act) };
  }
  // An actor_token asks for delegation, which this client may not have.
  if (actorToken) throw new InvalidRequest('this client may not obtain delegated tokens, so actor_token cannot be used');
  return { mode: 'impersonation', act: subject.act };
}
