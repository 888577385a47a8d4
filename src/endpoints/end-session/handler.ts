/**
 * The end-session decision (RP-Initiated Logout §2, §3): log out at once when a valid
 * id_token_hint names this browser's session (or there is no session left) and a logout_hint,
 * if sent, names its user; otherwise ask the user. After logout the browser goes to the verified post_logout_redirect_uri with `state`,
 * through the front-channel logout iframes when any client registered them.
 */
import type { Ctx } from '../../context.ts';
import { endSession } from '../../logout/end-session.ts';
import type { SessionRecord } from '../../storage/types.ts';
import { subjectFor } from '../../tokens/subject.ts';
import type { EndSessionRequest } from './validate.ts';

export type EndSessionOutcome =
  | { next: 'confirm' }
  | {
      next: 'signed_out';
      /** Front-channel logout URLs to load before moving on. */
      frames: string[];
      /** The post-logout redirect, with state; undefined → show the signed-out page. */
      redirectTo: string | undefined;
    };

/** Whether the hint's session or user is the one signed in in this browser. */
function hintMatches(ctx: Ctx, req: EndSessionRequest, session: SessionRecord): boolean {
  const hint = req.hint;
  if (!hint || !req.client) return false;
  if (hint.sid !== undefined) return hint.sid === session.id;
  return hint.sub !== undefined && hint.sub === subjectFor(ctx, req.client.metadata, session.sub);
}

/**
 * RP-Initiated Logout §2 leaves logout_hint's meaning to the OP. Here it names the user the
 * relying party believes is signing out: their username, email or subject (as that client
 * knows it). A hint naming someone else means the relying party is out of date, so the user
 * is asked rather than signed out unawares.
 */
async function logoutHintMatches(ctx: Ctx, req: EndSessionRequest, session: SessionRecord): Promise<boolean> {
  const hint = req.logoutHint;
  if (hint === undefined) return true;
  const user = await ctx.storage.users.get(ctx.tenant.id, session.sub);
  if (!user) return false;
  const email = user.claims['email'];
  const subject = req.client ? subjectFor(ctx, req.client.metadata, user.id) : user.id;
  const folded = hint.toLowerCase();
  return hint === subject || folded === user.username.toLowerCase() || (typeof email === 'string' && folded === email.toLowerCase());
}

/** RP-Initiated Logout §3: the registered URI with `state` added to its query. */
function postLogoutRedirect(req: EndSessionRequest): string | undefined {
  if (req.postLogoutRedirectUri === undefined) return undefined;
  const url = new URL(req.postLogoutRedirectUri);
  if (req.state !== undefined) url.searchParams.set('state', req.state);
  return url.href;
}

/**
 * `confirmed` is true when the user pressed "Sign out" on the confirmation form. Without it,
 * logging out needs a valid hint that matches this browser's session, or no session at all.
 */
export async function handleEndSession(ctx: Ctx, req: EndSessionRequest, session: SessionRecord | undefined, confirmed: boolean): Promise<EndSessionOutcome> {
  // RP-Initiated Logout §2: without a hint identifying the user, the OP asks whether to log out.
  const trusted = req.hint !== undefined && (session === undefined || (hintMatches(ctx, req, session) && (await logoutHintMatches(ctx, req, session))));
  if (!confirmed && !trusted) return { next: 'confirm' };
  const ended = session ? await endSession(ctx, session, 'rp_initiated') : undefined;
  return { next: 'signed_out', frames: ended?.frontChannel ?? [], redirectTo: postLogoutRedirect(req) };
}
