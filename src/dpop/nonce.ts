/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9): stateless and rotating. A nonce names a time
 * slot and carries a MAC over (tenant, slot) with the key-encryption key, so every instance
 * sharing the secret issues and accepts the same values without shared state.
 */
import type { Ctx } from '../context.ts';

/** A new nonce every this many seconds; the previous slot's nonce stays valid too. */
export const NONCE_ROTATION = 300;

function nonceFor(ctx: Ctx, slot: number): string {
  return `${slot.toString(36)}.${ctx.kek.mac('dpop-nonce', `${ctx.tenant.id}:${slot}`).slice(0, 32)}`;
}

/** The nonce clients should use now. */
export function currentNonce(ctx: Ctx): string {
  return nonceFor(ctx, Math.floor(ctx.now() / NONCE_ROTATION));
}

/** True for the current or the previous slot's nonce. */
export function isValidNonce(ctx: Ctx, nonce: string): boolean {
  const slot = Math.floor(ctx.now() / NONCE_ROTATION);
  return nonce === nonceFor(ctx, slot) || nonce === nonceFor(ctx, slot - 1);
}
