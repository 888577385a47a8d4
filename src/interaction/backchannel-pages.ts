/**
 * Page plumbing shared by the device verification and CIBA approval routes: sign-in with the
 * same credential check and throttling as the login page, and the closing outcome page (the
 * login and consent pages themselves are page-frame.ts's, shared with the authorization flow).
 * Every form carries a CSRF token and a sealed reference.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import type { SessionRecord, UserRecord } from '../storage/types.ts';
import { stylesheetHref } from './assets.ts';
import { checkSignInForm, refusalMessage } from './login-route.ts';
import { checkedForm, localeOf, sendPage } from './page-frame.ts';
import { unsealRef, type RefKind } from './sealed-ref.ts';
import { currentSession, startSession } from './session.ts';
import { outcomePage } from './views/device-pages.ts';

export function renderOutcome(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, title: string, message: string, status = 200): FastifyReply {
  return sendPage(reply, outcomePage({ locale: localeOf(request), stylesheetHref: stylesheetHref(ctx.tenant.basePath), title, message }), status);
}

/** The page for a request that is no longer pending (decided, expired or unknown). */
export function renderGone(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { t } = localeOf(request);
  return renderOutcome(ctx, request, reply, t.errorTitle, t.requestGone, 400);
}

/** The posted decision form: the hash its sealed `kind` reference names, and allow or deny. */
export function readDecision(ctx: Ctx, request: FastifyRequest, kind: RefKind): { hash: string; choice: 'allow' | 'deny' } {
  const params = checkedForm(ctx, request);
  const hash = unsealRef(ctx, kind, params.get(kind));
  const choice = params.get('decision');
  if (choice !== 'allow' && choice !== 'deny') throw new InvalidRequest('decision must be allow or deny');
  return { hash, choice };
}

export interface SignedIn {
  session: SessionRecord;
  user: UserRecord;
}

/** The signed-in user of this browser, when the session and the user are live. */
export async function signedInUser(ctx: Ctx, request: FastifyRequest): Promise<SignedIn | undefined> {
  const session = await currentSession(ctx, request);
  if (!session) return undefined;
  const user = await ctx.storage.users.get(ctx.tenant.id, session.sub);
  return user && !user.disabled ? { session, user } : undefined;
}

export type SignInResult = ({ ok: true } & SignedIn) | { ok: false; error: string; status: number; username: string };

/** Checks the sign-in form as the login page does (checkSignInForm), and signs this browser in. */
export async function signInFromForm(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, params: Params): Promise<SignInResult> {
  const check = await checkSignInForm(ctx, request, reply, params);
  if (!check.ok) return { ok: false, error: refusalMessage(localeOf(request), check), status: check.status, username: check.username };
  const session = await startSession(ctx, reply, { sub: check.user.id, amr: ['pwd'], acr: null });
  return { ok: true, session, user: check.user };
}
