/** Scope and resources of a back-channel authorization request (device authorization, CIBA). */
import type { Ctx } from '../context.ts';
import { InvalidScope } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { narrowResources, splitScope } from '../grants/scope.ts';
import type { ClientRecord } from '../storage/types.ts';

/**
 * The requested scope, each value registered for the client (RFC 6749 §3.3: otherwise
 * `invalid_scope`); without a `scope` parameter, the client's registered scope.
 */
export function requestedScope(params: Params, client: ClientRecord): string[] {
  const registered = new Set(splitScope(client.metadata.scope));
  const raw = params.get('scope');
  if (raw === undefined) return [...registered];
  const asked = splitScope(raw);
  const refused = asked.filter((s) => !registered.has(s));
  // RFC 8628 §3.2 / RFC 6749 §5.2: a scope the client may not ask for is invalid_scope.
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  return asked;
}

/** RFC 8707 §2: `resource` values must be configured resources of the tenant; none asked, none granted. */
export function requestedResources(ctx: Ctx, params: Params): string[] {
  if (!params.has('resource')) return [];
  return narrowResources(ctx, params, ctx.tenant.resources.map((r) => r.identifier));
}
