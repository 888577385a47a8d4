/** Scope and resource checks shared by the grants (RFC 6749 §3.3, RFC 8707 §2.2). */
import type { Ctx } from '../context.ts';
import { InvalidScope, InvalidTarget } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';

export function splitScope(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter(Boolean))];
}

/**
 * The `scope` parameter narrowed against what was granted: omitted means all of it; any scope
 * beyond the grant is `invalid_scope` (RFC 6749 §6: a refresh may not widen the scope).
 */
export function narrowScope(params: Params, granted: string): string {
  const requested = params.get('scope');
  if (requested === undefined) return granted;
  const allowed = new Set(splitScope(granted));
  const asked = splitScope(requested);
  const beyond = asked.filter((s) => !allowed.has(s));
  if (beyond.length > 0 || asked.length === 0) throw new InvalidScope(`scope exceeds the grant: ${beyond.join(' ') || '(empty)'}`);
  return asked.join(' ');
}

/**
 * The access token audience for this request (RFC 8707 §2.2): the `resource` parameters, each
 * of which must be among `allowed`; without any, every allowed resource, or the issuer itself.
 */
export function narrowResources(ctx: Ctx, params: Params, allowed: readonly string[]): string[] {
  const requested = params.all('resource');
  for (const resource of requested) {
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!URL.canParse(resource) || resource.includes('#')) throw new InvalidTarget(`resource is not an absolute URI: ${resource}`);
    if (!allowed.includes(resource)) throw new InvalidTarget(`resource not allowed: ${resource}`);
  }
  if (requested.length > 0) return [...new Set(requested)];
  return allowed.length > 0 ? [...allowed] : [ctx.tenant.issuer];
}
