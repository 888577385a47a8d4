import type { ReplayRepo } from '../types.ts';
import type { Db } from './util.ts';

/** Replay cache (jti, DPoP proofs, …), keyed by (tenant, namespace, key). */
export function replayRepo(db: Db): ReplayRepo {
  return {
    /**
     * One statement, atomic in both dialects: a fresh key inserts a row; an expired one is
     * overwritten; a live one hits the conflict with a false WHERE, so nothing is returned.
     */
    async remember(tenantId, namespace, key, expiresAt, now) {
      const row = await db
        .insertInto('replay')
        .values({ tenant_id: tenantId, namespace, key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'namespace', 'key'])
            .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
            .where('replay.expires_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
