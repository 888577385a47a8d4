/** POST /select-account: the answer to prompt=select_account (OIDC Core §3.1.2.1). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequest } from '../errors/oauth-error.ts';
import { tenantCtx } from '../http/tenant-scope.ts';
import { accountSelected } from '../endpoints/authorize/decide.ts';
import { proceed, renderLogin } from '../endpoints/authorize/proceed.ts';
import { checkedForm } from './page-frame.ts';
import { unsealRequest } from './sealed-request.ts';

async function selectAccount(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantCtx(request);
  const params = checkedForm(ctx, request);
  const req = accountSelected(unsealRequest(ctx, params.get('request')));
  const client = await ctx.storage.clients.get(ctx.tenant.id, req.clientId);
  if (!client) throw new InvalidRequest('unknown client');
  const decision = params.get('decision');
  if (decision === 'switch') return renderLogin(ctx, request, reply, req, client);
  if (decision !== 'continue') throw new InvalidRequest('decision must be continue or switch');
  return proceed(ctx, request, reply, req, client, undefined);
}

export function selectAccountRoutes(app: FastifyInstance): void {
  app.post('/select-account', { config: { errorStyle: 'html' } }, selectAccount);
}
