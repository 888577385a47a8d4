/**
 * The discovery document is assembled from what each implemented endpoint contributes
 * (endpoints/index.ts), so it never advertises something that is not there.
 */
import type { Ctx } from '../../context.ts';
import { discoveryContributors } from '../index.ts';

export type Metadata = Record<string, unknown>;
export type DiscoveryContributor = (ctx: Ctx) => Metadata;

/** Absolute URL of a tenant endpoint path, built from the configured issuer (never the Host header). */
export function endpointUrl(ctx: Ctx, path: string): string {
  return `${ctx.tenant.issuer}${path}`;
}

export function handleDiscovery(ctx: Ctx): Metadata {
  const doc: Metadata = {
    issuer: ctx.tenant.issuer,
    jwks_uri: endpointUrl(ctx, '/.well-known/jwks.json'),
  };
  for (const contribute of discoveryContributors) Object.assign(doc, contribute(ctx));
  return doc;
}
