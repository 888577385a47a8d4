/**
 * The validated authorization request travels through the login and consent forms sealed
 * (AES-GCM with the key-encryption key): the browser can carry it but neither read nor alter
 * it, and any instance can resume it — no server-side interaction state.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { AuthorizationRequest } from '../endpoints/authorize/request.ts';

interface Sealed {
  v: 1;
  tid: string;
  exp: number;
  req: AuthorizationRequest;
}

/** How long a user may take on the login and consent pages. */
const INTERACTION_TTL = 30 * 60;

export function sealRequest(ctx: Ctx, req: AuthorizationRequest): string {
  const sealed: Sealed = { v: 1, tid: ctx.tenant.id, exp: ctx.now() + INTERACTION_TTL, req };
  return ctx.kek.encrypt(JSON.stringify(sealed));
}

export function unsealRequest(ctx: Ctx, value: string | undefined): AuthorizationRequest {
  if (!value) throw new InvalidRequest('the sign-in request is missing; please start again from the application');
  let sealed: Sealed;
  try {
    sealed = JSON.parse(ctx.kek.decrypt(value)) as Sealed;
  } catch {
    throw new InvalidRequest('the sign-in request is not valid; please start again from the application');
  }
  if (sealed.v !== 1 || sealed.tid !== ctx.tenant.id) throw new InvalidRequest('the sign-in request belongs to another issuer');
  if (sealed.exp <= ctx.now()) throw new InvalidRequest('the sign-in request has expired; please start again from the application');
  return sealed.req;
}
