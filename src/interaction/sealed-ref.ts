/**
 * A reference to a pending device code or CIBA request, carried through the verification and
 * approval forms sealed (sealed-form.ts): it names the row by hash, so the forms never repeat a
 * guessable user code.
 */
import type { Ctx } from '../context.ts';
import { sealForm, unsealForm } from './sealed-form.ts';

export type RefKind = 'device' | 'ciba';

const MESSAGES = {
  missing: 'the request reference is missing; please start again',
  invalid: 'the request reference is not valid; please start again',
  foreign: 'the request reference is not valid here; please start again',
  expired: 'the page has expired; please start again',
};

export function sealRef(ctx: Ctx, kind: RefKind, hash: string): string {
  return sealForm(ctx, kind, hash);
}

/** The hash the form refers to; `invalid_request` when missing, altered, foreign or stale. */
export function unsealRef(ctx: Ctx, kind: RefKind, value: string | undefined): string {
  return unsealForm<string>(ctx, kind, value, MESSAGES);
}
