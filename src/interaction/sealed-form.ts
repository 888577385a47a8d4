/**
 * State that travels through the interaction forms sealed (AES-GCM with the key-encryption
 * key): the browser can carry it but neither read nor alter it, and any instance can resume
 * it — no server-side interaction state. Each seal names its tenant, its purpose and its expiry.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';

interface Sealed<T> {
  v: 1;
  tid: string;
  purpose: string;
  exp: number;
  data: T;
}

/** How long a user may take on the login, consent and approval pages. */
const TTL = 30 * 60;

/** What the user is told for each way a sealed value can be unusable. */
export interface SealMessages {
  missing: string;
  invalid: string;
  foreign: string;
  expired: string;
}

export function sealForm<T>(ctx: Ctx, purpose: string, data: T): string {
  const sealed: Sealed<T> = { v: 1, tid: ctx.tenant.id, purpose, exp: ctx.now() + TTL, data };
  return ctx.kek.encrypt(JSON.stringify(sealed));
}

/** The sealed data; `invalid_request` when missing, altered, for another tenant or purpose, or stale. */
export function unsealForm<T>(ctx: Ctx, purpose: string, value: string | undefined, messages: SealMessages): T {
  if (!value) throw new InvalidRequest(messages.missing);
  let sealed: Sealed<T>;
  try {
    sealed = JSON.parse(ctx.kek.decrypt(value)) as Sealed<T>;
  } catch {
    throw new InvalidRequest(messages.invalid);
  }
  if (sealed.v !== 1 || sealed.tid !== ctx.tenant.id || sealed.purpose !== purpose) throw new InvalidRequest(messages.foreign);
  if (sealed.exp <= ctx.now()) throw new InvalidRequest(messages.expired);
  return sealed.data;
}
