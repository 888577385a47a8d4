/** POST /consent: the user's allow/deny decision for a client and the scopes it asked for. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessDenied, InvalidRequest } from '../errors/oauth-error.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { recordConsent } from '../endpoints/authorize/decide.ts';
import { proceed, targetOf } from '../endpoints/authorize/proceed.ts';
import { deliverError } from '../endpoints/authorize/respond.ts';
import { checkedForm } from './page-frame.ts';
import { unsealRequest } from './sealed-request.ts';
import { currentSession } from './session.ts';

async function consent(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const req = unsealRequest(ctx, params.get('request'));
  const client = await ctx.storage.clients.get(ctx.tenant.id, req.clientId);
  if (!client) throw new InvalidRequest('unknown client');
  const decision = params.get('decision');
  if (decision === 'deny') {
    // RFC 6749 §4.1.2.1: the resource owner denied the request.
    return deliverError(ctx, reply, targetOf(req), new AccessDenied('the user denied the request'));
  }
  if (decision !== 'allow') throw new InvalidRequest('decision must be allow or deny');
  const session = await currentSession(ctx, request);
  const user = session ? await ctx.storage.users.get(ctx.tenant.id, session.sub) : undefined;
  if (!session || !user) return proceed(ctx, request, reply, req, client, undefined);
  await recordConsent(ctx, user, client, req.scopes);
  return proceed(ctx, request, reply, req, client, session, { consentGiven: true });
}

export function consentRoutes(app: FastifyInstance): void {
  app.post('/consent', { config: { errorStyle: 'html' } }, consent);
}
