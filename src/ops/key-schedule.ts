/**
 * Scheduled signing-key rotation (`operations.keyRotationInterval`). For every tenant and
 * algorithm: when the active key is older than the interval, a successor is generated and
 * published as `next` (in the JWKS, not signing); once it has been published for
 * `operations.keyPublishAhead` seconds — long enough for relying parties' JWKS caches — it is
 * promoted to active and the old key retired, still published until every token it signed has
 * expired. Instances agree through the database alone: rounds run under an advisory lock, and
 * promotion is a conditional update that only one instance can win.
 */
import type { Services } from '../context.ts';
import { newSigningKeyRecord } from '../keys/generate.ts';
import { SIGNING_ALGS } from '../keys/types.ts';
import { keyRotations } from '../metrics/registry.ts';

/** The longest a token signed now may stay valid: retired keys stay published at least this long. */
export function longestSignedLifetime(config: Services['config']): number {
  const resources = [...config.resources, ...config.tenants.flatMap((t) => t.resources)];
  const ttls = resources.map((r) => r.accessTokenTtl ?? 0);
  return Math.max(config.lifetimes.retiredKey, config.lifetimes.accessToken, config.lifetimes.idToken, ...ttls);
}

export interface RotationOutcome {
  published: string[];
  promoted: string[];
}

/** One round over every tenant; `undefined` when another instance holds the lock. */
export async function keyRotationRound(services: Pick<Services, 'storage' | 'config' | 'now' | 'kek'>): Promise<RotationOutcome | undefined> {
  const { storage, config } = services;
  const interval = config.operations.keyRotationInterval;
  if (interval <= 0) return { published: [], promoted: [] };
  const run = async () => {
    const outcome: RotationOutcome = { published: [], promoted: [] };
    for (const tenant of await storage.tenants.list()) await rotateTenant(services, tenant.id, outcome);
    return outcome;
  };
  return storage.exclusive('key-rotation', run);
}

async function rotateTenant(services: Pick<Services, 'storage' | 'config' | 'now' | 'kek'>, tenantId: string, outcome: RotationOutcome): Promise<void> {
  const { storage, config, kek } = services;
  const { keyRotationInterval: interval, keyPublishAhead: ahead } = config.operations;
  const now = services.now();
  const keys = await storage.keys.listPublished(tenantId, now);
  for (const alg of SIGNING_ALGS) {
    // listPublished is newest first within a status.
    const active = keys.find((k) => k.alg === alg && k.status === 'active');
    const next = keys.find((k) => k.alg === alg && k.status === 'next');
    if (next) {
      if (now - next.createdAt >= ahead && (await storage.keys.promote(tenantId, next.kid, now + longestSignedLifetime(config)))) {
        outcome.promoted.push(next.kid);
        keyRotations.inc({ alg });
      }
      continue;
    }
    // No active key yet: the key service creates one on first use; nothing to schedule.
    if (!active) continue;
    // A key published ahead became active `ahead` seconds after its createdAt, so it signs
    // from then until its successor, published `interval` after its createdAt, is promoted.
    if (now - active.createdAt < interval) continue;
    const record = await newSigningKeyRecord(tenantId, alg, kek, 'next', () => now);
    await storage.keys.insert(record);
    outcome.published.push(record.kid);
  }
}
