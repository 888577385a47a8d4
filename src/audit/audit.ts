/**
 * The audit log: who changed what and when, for every admin and registration action.
 * Entries never carry secrets (secrets, hashes and passwords are dropped from `detail`).
 */
import { randomBytes } from 'node:crypto';
import type { Services } from '../context.ts';
import type { AuditEntry } from '../storage/types.ts';

export interface AuditEvent {
  tenantId: string;
  /** `admin-client:<client_id>`, `admin-user:<sub>`, `registration:<client_id>`, `initial-access-token:<id>`, `anonymous`, `system`. */
  actor: string;
  /** `<object>.<verb>`: `client.create`, `user.password_reset`, `registration.update`, … */
  action: string;
  targetType: string;
  targetId: string;
  detail?: Record<string, unknown>;
}

const SECRET_KEYS = /secret|password|token|hash/i;

/** A copy of `detail` without anything that looks like a credential. */
export function scrub(detail: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (SECRET_KEYS.test(key) && key !== 'token_endpoint_auth_method') continue;
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? scrub(value as Record<string, unknown>) : value;
  }
  return out;
}

let sequence = 0;

/**
 * A time-ordered, globally unique id: zero-padded epoch seconds, a per-process sequence (order
 * within one second), then randomness (uniqueness across processes).
 */
export function auditId(now: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(now).padStart(12, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(6).toString('base64url')}`;
}

/** Appends one entry to the audit log and returns it. */
export async function audit(services: Pick<Services, 'storage' | 'now'>, event: AuditEvent): Promise<AuditEntry> {
  const at = services.now();
  const entry: AuditEntry = {
    tenantId: event.tenantId,
    id: auditId(at),
    at,
    actor: event.actor,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    detail: scrub(event.detail ?? {}),
  };
  await services.storage.audit.append(entry);
  return entry;
}
