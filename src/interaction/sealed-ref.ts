/**
 * A reference to a pending device code or CIBA request, carried through the verification and
 * approval forms sealed with the key-encryption key: the browser can neither read nor alter
 * it, and it names the row by hash, so the forms never repeat a guessable user code.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';

export type RefKind = 'device' | 'ciba';

interface SealedRef {
  v: 1;
  tid: string;
  kind: RefKind;
  h: string;
  exp: number;
}

/** How long a user may take on the login and approval pages. */
const TTL = 30 * 60;

export function sealRef(ctx: Ctx, kind: RefKind, hash: string): string {
  const sealed: SealedRef = { v: 1, tid: ctx.tenant.id, kind, h: hash, exp: ctx.now() + TTL };
  return ctx.kek.encrypt(JSON.stringify(sealed));
}

/** The hash the form refers to; `invalid_request` when missing, altered, foreign or stale. */
export function unsealRef(ctx: Ctx, kind: RefKind, value: string | undefined): string {
  if (!value) throw new InvalidRequest('the request reference is missing; please start again');
  let sealed: SealedRef;
  try {
    sealed = JSON.parse(ctx.kek.decrypt(value)) as SealedRef;
  } catch {
    throw new InvalidRequest('the request reference is not valid; please start again');
  }
  if (sealed.v !== 1 || sealed.tid !== ctx.tenant.id || sealed.kind !== kind || typeof sealed.h !== 'string') {
    throw new InvalidRequest('the request reference is not valid here; please start again');
  }
  if (sealed.exp <= ctx.now()) throw new InvalidRequest('the page has expired; please start again');
  return sealed.h;
}
