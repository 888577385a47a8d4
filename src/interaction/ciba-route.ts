/**
 * The CIBA approval pages (CONTRACT.md §3, §4): the user opens the `approval_uri` from the
 * notification, signs in as the user the client named, sees the client, the scopes and the
 * binding message (CIBA §7.1), and allows or denies. `/ciba/requests` lists the signed-in
 * user's pending requests, for deployments without a notification webhook.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { approveCiba, denyCiba } from '../ciba/decide.ts';
import { CIBA_APPROVAL_PATH, CIBA_REQUESTS_PATH } from '../ciba/paths.ts';
import { splitScope } from '../grants/scope.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { wakeOutbox } from '../outbox/index.ts';
import { hashSecret } from '../security/secrets.ts';
import type { CibaRequestRecord, ClientRecord } from '../storage/types.ts';
import { readDecision, renderGone, renderOutcome, signedInUser, signInFromForm, type SignedIn } from './backchannel-pages.ts';
import { checkedForm, clientViewOf, formFrame, localeOf, renderConsentFor, renderLoginFor, sendPage } from './page-frame.ts';
import { sealRef, unsealRef } from './sealed-ref.ts';
import { pendingRequestsPage } from './views/ciba-pages.ts';

const LOGIN_PATH = '/ciba/login';
const DECISION_PATH = '/ciba/decision';

/** The pending, unexpired request a page refers to, with its client. */
async function pendingRequest(ctx: Ctx, record: CibaRequestRecord | undefined): Promise<{ record: CibaRequestRecord; client: ClientRecord } | undefined> {
  if (!record || record.status !== 'pending' || record.expiresAt <= ctx.now()) return undefined;
  const client = await ctx.storage.clients.get(ctx.tenant.id, record.clientId);
  return client ? { record, client } : undefined;
}

/** Sign-in as the requested user when needed, then the approval page. */
async function next(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, found: { record: CibaRequestRecord; client: ClientRecord }, signedIn?: SignedIn, error?: string): Promise<FastifyReply> {
  const { record, client } = found;
  const hidden = { ciba: sealRef(ctx, 'ciba', record.hash) };
  const current = signedIn ?? (await signedInUser(ctx, request));
  if (!current || current.user.id !== record.sub) {
    const user = await ctx.storage.users.get(ctx.tenant.id, record.sub);
    return renderLoginFor(ctx, request, reply, { action: LOGIN_PATH, hidden }, clientViewOf(client), {
      ...(user ? { username: user.username } : {}),
      ...(error ? { error, status: 401 } : {}),
    });
  }
  return renderConsentFor(ctx, request, reply, { action: DECISION_PATH, hidden }, {
    client,
    user: current.user,
    scopes: splitScope(record.scope),
    ...(record.bindingMessage ? { bindingMessage: record.bindingMessage } : {}),
  });
}

async function open(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const query = request.query as Record<string, unknown>;
  const ticket = typeof query['ticket'] === 'string' ? query['ticket'] : '';
  const found = ticket ? await pendingRequest(ctx, await ctx.storage.ciba.getByApproval(ctx.tenant.id, hashSecret(ticket))) : undefined;
  return found ? next(ctx, request, reply, found) : renderGone(ctx, request, reply);
}

async function showList(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): Promise<FastifyReply> {
  const records = await ctx.storage.ciba.listPending(ctx.tenant.id, signedIn.user.id, ctx.now());
  const items = [];
  for (const record of records) {
    const client = await ctx.storage.clients.get(ctx.tenant.id, record.clientId);
    if (!client) continue;
    items.push({
      clientName: client.metadata.client_name ?? client.clientId,
      bindingMessage: record.bindingMessage,
      scopes: splitScope(record.scope),
      hidden: { ciba: sealRef(ctx, 'ciba', record.hash) },
    });
  }
  const body = pendingRequestsPage({
    ...formFrame(ctx, request, reply, localeOf(request), DECISION_PATH),
    userName: signedIn.user.claims.name ?? signedIn.user.username,
    items,
  });
  return sendPage(reply, body);
}

async function list(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const signedIn = await signedInUser(ctx, request);
  if (signedIn) return showList(ctx, request, reply, signedIn);
  // Not signed in: the login form comes back here (no request reference).
  return renderListLogin(ctx, request, reply);
}

function renderListLogin(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, error?: { message: string; status: number; username: string }): FastifyReply {
  const { t } = localeOf(request);
  return renderLoginFor(ctx, request, reply, { action: LOGIN_PATH, hidden: {} }, { name: t.cibaPendingTitle }, error ? { error: error.message, status: error.status, username: error.username } : {});
}

async function login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const ref = params.get('ciba');
  const found = ref ? await pendingRequest(ctx, await ctx.storage.ciba.get(ctx.tenant.id, unsealRef(ctx, 'ciba', ref))) : undefined;
  if (ref && !found) return renderGone(ctx, request, reply);
  const result = await signInFromForm(ctx, request, reply, params);
  if (!found) {
    if (!result.ok) return renderListLogin(ctx, request, reply, { message: result.error, status: result.status, username: result.username });
    return showList(ctx, request, reply, result);
  }
  if (!result.ok) {
    const hidden = { ciba: sealRef(ctx, 'ciba', found.record.hash) };
    return renderLoginFor(ctx, request, reply, { action: LOGIN_PATH, hidden }, clientViewOf(found.client), { error: result.error, username: result.username, status: result.status });
  }
  // The request is for one user: signing in as another does not answer it.
  if (result.user.id !== found.record.sub) return next(ctx, request, reply, found, result, localeOf(request).t.cibaWrongUser);
  return next(ctx, request, reply, found, result);
}

async function decision(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const { hash, choice } = readDecision(ctx, request, 'ciba');
  const found = await pendingRequest(ctx, await ctx.storage.ciba.get(ctx.tenant.id, hash));
  if (!found) return renderGone(ctx, request, reply);
  const signedIn = await signedInUser(ctx, request);
  if (!signedIn || signedIn.user.id !== found.record.sub) return next(ctx, request, reply, found);

  const { t } = localeOf(request);
  const input = { ...found, ...signedIn };
  const won = choice === 'allow' ? await approveCiba(ctx, input) : await denyCiba(ctx, input);
  if (!won) return renderGone(ctx, request, reply);
  // Ping and push notifications were enqueued with the decision: send them now.
  wakeOutbox();
  ctx.log.info({ tenant: ctx.tenant.slug, event: choice === 'allow' ? 'ciba_approved' : 'ciba_denied', client: found.record.clientId }, 'CIBA request answered');
  return choice === 'allow' ? renderOutcome(ctx, request, reply, t.cibaApprovedTitle, t.cibaApprovedLead) : renderOutcome(ctx, request, reply, t.cibaDeniedTitle, t.cibaDeniedLead);
}

export function cibaRoutes(app: FastifyInstance): void {
  const html = { config: { errorStyle: 'html' as const } };
  app.get(CIBA_APPROVAL_PATH, html, open);
  app.get(CIBA_REQUESTS_PATH, html, list);
  app.post(LOGIN_PATH, html, login);
  app.post(DECISION_PATH, html, decision);
}
