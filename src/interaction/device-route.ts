/**
 * The device verification pages (RFC 8628 §3.3, CONTRACT.md §3) at the `verification_uri`:
 * GET shows the code form (pre-filled from `verification_uri_complete`); POST finds the code;
 * then sign-in and the approval page, which shows the client, the scopes and the code to
 * compare (RFC 8628 §5.4: the user confirms the device they are authorising).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { approve } from '../device/approve.ts';
import { userCodeThrottle } from '../device/code-throttle.ts';
import { DEVICE_VERIFICATION_PATH } from '../device/paths.ts';
import { formatUserCode, normalizeUserCode } from '../device/user-code.ts';
import { splitScope } from '../grants/scope.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import type { DeviceCodeRecord } from '../storage/types.ts';
import { readDecision, renderGone, renderOutcome, signedInUser, signInFromForm, type SignedIn } from './backchannel-pages.ts';
import { checkedForm, clientViewOf, formFrame, localeOf, renderConsentFor, renderLoginFor, sendPage } from './page-frame.ts';
import { sealRef, unsealRef } from './sealed-ref.ts';
import { deviceCodePage } from './views/device-pages.ts';

const LOGIN_PATH = `${DEVICE_VERIFICATION_PATH}/login`;
const DECISION_PATH = `${DEVICE_VERIFICATION_PATH}/decision`;

function renderCodeForm(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, options: { userCode?: string; error?: string; status?: number } = {}): FastifyReply {
  const body = deviceCodePage({
    ...formFrame(ctx, request, reply, localeOf(request), DEVICE_VERIFICATION_PATH),
    tenantName: ctx.tenant.name,
    ...(options.userCode ? { userCode: options.userCode } : {}),
    ...(options.error ? { error: options.error } : {}),
  });
  return sendPage(reply, body, options.status ?? 200);
}

/** The pending, unexpired device code a form refers to; undefined once decided or expired. */
async function pendingCode(ctx: Ctx, hash: string): Promise<DeviceCodeRecord | undefined> {
  const record = await ctx.storage.deviceCodes.get(ctx.tenant.id, hash);
  return record && record.status === 'pending' && record.expiresAt > ctx.now() ? record : undefined;
}

/** Sign-in when nobody is signed in, else the approval page. */
async function next(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, record: DeviceCodeRecord, signedIn?: SignedIn): Promise<FastifyReply> {
  const client = await ctx.storage.clients.get(ctx.tenant.id, record.clientId);
  if (!client) return renderGone(ctx, request, reply);
  const hidden = { device: sealRef(ctx, 'device', record.hash) };
  const current = signedIn ?? (await signedInUser(ctx, request));
  if (!current) return renderLoginFor(ctx, request, reply, { action: LOGIN_PATH, hidden }, clientViewOf(client));
  const { t } = localeOf(request);
  return renderConsentFor(ctx, request, reply, { action: DECISION_PATH, hidden }, {
    client,
    user: current.user,
    scopes: splitScope(record.scope),
    bindingMessage: `${t.deviceCompare} ${formatUserCode(record.userCode)}`,
  });
}

async function showForm(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const query = request.query as Record<string, unknown>;
  const prefill = typeof query['user_code'] === 'string' ? query['user_code'].slice(0, 32) : undefined;
  return renderCodeForm(ctx, request, reply, prefill ? { userCode: prefill } : {});
}

async function submitCode(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const { t } = localeOf(request);
  const typed = params.get('user_code') ?? '';
  const attempt = { tenantId: ctx.tenant.id, ip: request.ip };
  // RFC 8628 §5.1: user codes are guessable, so wrong guesses are rate limited.
  const blocked = await userCodeThrottle.check(attempt);
  if (!blocked.allowed) {
    reply.header('retry-after', String(blocked.retryAfter));
    return renderCodeForm(ctx, request, reply, { userCode: typed, error: t.deviceCodeThrottled, status: 429 });
  }
  const code = normalizeUserCode(typed);
  const record = code ? await ctx.storage.deviceCodes.findByUserCode(ctx.tenant.id, code, ctx.now()) : undefined;
  if (!record || record.status !== 'pending') {
    await userCodeThrottle.wrong(attempt);
    return renderCodeForm(ctx, request, reply, { userCode: typed, error: t.deviceCodeInvalid, status: 400 });
  }
  return next(ctx, request, reply, record);
}

async function login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const record = await pendingCode(ctx, unsealRef(ctx, 'device', params.get('device')));
  if (!record) return renderGone(ctx, request, reply);
  const result = await signInFromForm(ctx, request, reply, params);
  if (!result.ok) {
    const client = await ctx.storage.clients.get(ctx.tenant.id, record.clientId);
    if (!client) return renderGone(ctx, request, reply);
    const hidden = { device: sealRef(ctx, 'device', record.hash) };
    return renderLoginFor(ctx, request, reply, { action: LOGIN_PATH, hidden }, clientViewOf(client), { error: result.error, username: result.username, status: result.status });
  }
  return next(ctx, request, reply, record, result);
}

async function decision(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const { hash, choice } = readDecision(ctx, request, 'device');
  const { t } = localeOf(request);
  const record = await pendingCode(ctx, hash);
  if (!record) return renderGone(ctx, request, reply);
  const signedIn = await signedInUser(ctx, request);
  if (!signedIn) return next(ctx, request, reply, record);

  if (choice === 'deny') {
    // RFC 8628 §3.5: the device's next poll gets access_denied.
    const won = await ctx.storage.deviceCodes.decide(ctx.tenant.id, hash, { status: 'denied' }, ctx.now());
    return won ? renderOutcome(ctx, request, reply, t.deviceDeniedTitle, t.deviceDeniedLead) : renderGone(ctx, request, reply);
  }
  const { won } = await approve(ctx, { record, sub: signedIn.user.id, session: signedIn.session, acr: null }, (grantId) =>
    ctx.storage.deviceCodes.decide(ctx.tenant.id, hash, { status: 'approved', grantId }, ctx.now()),
  );
  if (!won) return renderGone(ctx, request, reply);
  ctx.log.info({ tenant: ctx.tenant.slug, event: 'device_approved', client: record.clientId }, 'device code approved');
  return renderOutcome(ctx, request, reply, t.deviceApprovedTitle, t.deviceApprovedLead);
}

export function deviceRoutes(app: FastifyInstance): void {
  const html = { config: { errorStyle: 'html' as const } };
  app.get(DEVICE_VERIFICATION_PATH, html, showForm);
  app.post(DEVICE_VERIFICATION_PATH, html, submitCode);
  app.post(LOGIN_PATH, html, login);
  app.post(DECISION_PATH, html, decision);
}
