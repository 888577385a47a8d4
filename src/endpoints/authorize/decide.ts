/**
 * What a validated authorization request needs next: a sign-in, a consent, or nothing (issue).
 * With `prompt=none` the answer is an error instead of a page (OIDC Core §3.1.2.6).
 */
import type { Ctx } from '../../context.ts';
import { ConsentRequired, LoginRequired } from '../../errors/oauth-error.ts';
import type { ClientRecord, SessionRecord, UserRecord } from '../../storage/types.ts';
import { subjectFor } from '../../tokens/subject.ts';
import type { AuthorizationRequest } from './request.ts';

export type Decision =
  | { next: 'login'; reason: string }
  | { next: 'select_account'; session: SessionRecord; user: UserRecord }
  | { next: 'consent'; session: SessionRecord; user: UserRecord }
  | { next: 'issue'; session: SessionRecord; user: UserRecord };

export interface DecideOptions {
  /** The user has just approved this very request on the consent page. */
  consentGiven?: boolean;
}

async function loginReason(ctx: Ctx, req: AuthorizationRequest, client: ClientRecord, session: SessionRecord | undefined, user: UserRecord | undefined): Promise<string | undefined> {
  if (!session) return 'no session';
  if (!user || user.disabled) return 'session user unavailable';
  // OIDC Core §3.1.2.1 prompt=login: the user must authenticate again for this request.
  if (req.prompt.includes('login') && session.authTime < req.requestedAt) return 'prompt=login';
  // OIDC Core §3.1.2.1 max_age: the authentication must be recent enough.
  if (req.maxAge !== undefined && ctx.now() - session.authTime > req.maxAge) return 'max_age exceeded';
  // OIDC Core §3.1.2.1 id_token_hint: the session must belong to the hinted user.
  if (req.hintSub !== undefined && req.hintSub !== subjectFor(ctx, client.metadata, session.sub)) return 'id_token_hint is for another user';
  return undefined;
}

async function hasConsent(ctx: Ctx, req: AuthorizationRequest, client: ClientRecord, user: UserRecord): Promise<boolean> {
  if (client.metadata.skip_consent) return true;
  if (req.prompt.includes('consent')) return false;
  const consent = await ctx.storage.consents.get(ctx.tenant.id, user.id, client.clientId);
  if (!consent) return false;
  const granted = new Set(consent.scope.split(' '));
  return req.scopes.every((s) => granted.has(s));
}

export async function decide(
  ctx: Ctx,
  req: AuthorizationRequest,
  client: ClientRecord,
  session: SessionRecord | undefined,
  options: DecideOptions = {},
): Promise<Decision> {
  const user = session ? await ctx.storage.users.get(ctx.tenant.id, session.sub) : undefined;
  const reason = await loginReason(ctx, req, client, session, user);
  if (reason !== undefined || !session || !user) {
    if (req.prompt.includes('none')) throw new LoginRequired('the user must sign in', { detail: reason ?? 'no session' });
    return { next: 'login', reason: reason ?? 'no session' };
  }
  // OIDC Core §3.1.2.1 prompt=select_account: the user chooses the account (or another one) first.
  if (req.prompt.includes('select_account')) return { next: 'select_account', session, user };
  if (!options.consentGiven && !(await hasConsent(ctx, req, client, user))) {
    if (req.prompt.includes('none')) throw new ConsentRequired('the user must approve this client');
    return { next: 'consent', session, user };
  }
  return { next: 'issue', session, user };
}

/** The request once the user has picked an account: it must not ask again. */
export function accountSelected(req: AuthorizationRequest): AuthorizationRequest {
  return { ...req, prompt: req.prompt.filter((p) => p !== 'select_account') };
}

/** Records the user's approval of `scopes` for the client (accumulating earlier approvals). */
export async function recordConsent(ctx: Ctx, user: UserRecord, client: ClientRecord, scopes: readonly string[]): Promise<void> {
  const now = ctx.now();
  const existing = await ctx.storage.consents.get(ctx.tenant.id, user.id, client.clientId);
  const scope = [...new Set([...(existing?.scope.split(' ').filter(Boolean) ?? []), ...scopes])].join(' ');
  await ctx.storage.consents.upsert({
    tenantId: ctx.tenant.id,
    sub: user.id,
    clientId: client.clientId,
    scope,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  });
}
