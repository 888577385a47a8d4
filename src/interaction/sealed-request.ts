/** The validated authorization request, carried through the login and consent forms sealed (sealed-form.ts). */
import type { Ctx } from '../context.ts';
import type { AuthorizationRequest } from '../endpoints/authorize/request.ts';
import { sealForm, unsealForm } from './sealed-form.ts';

const MESSAGES = {
  missing: 'the sign-in request is missing; please start again from the application',
  invalid: 'the sign-in request is not valid; please start again from the application',
  foreign: 'the sign-in request belongs to another issuer',
  expired: 'the sign-in request has expired; please start again from the application',
};

export function sealRequest(ctx: Ctx, req: AuthorizationRequest): string {
  return sealForm(ctx, 'authorize', req);
}

export function unsealRequest(ctx: Ctx, value: string | undefined): AuthorizationRequest {
  return unsealForm<AuthorizationRequest>(ctx, 'authorize', value, MESSAGES);
}
