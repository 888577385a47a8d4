import type { LogoutRepo } from '../types.ts';
import { insertOutboxRows } from './outbox.ts';
import { count } from './util.ts';
import type { Db } from './util.ts';

/** OIDC Core §11: only grants carrying offline_access outlive the browser session. */
function hasOfflineAccess(scope: string): boolean {
  return scope.split(' ').includes('offline_access');
}

/** Ending a session together with what must happen because of it, in one transaction. */
export function logoutRepo(db: Db): LogoutRepo {
  return {
    async endSession(tenantId, sid, now, deliveries) {
      return db.transaction().execute(async (trx) => {
        const ended = await trx
          .updateTable('sessions')
          .set({ ended_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', sid)
          .where('ended_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst();
        // The session was already over: a concurrent logout did (or needs) nothing more.
        if (count(ended.numUpdatedRows) === 0) return { ended: false, revokedGrants: 0 };

        const grants = await trx
          .selectFrom('grants')
          .select(['id', 'scope'])
          .where('tenant_id', '=', tenantId)
          .where('sid', '=', sid)
          .where('revoked_at', 'is', null)
          .execute();
        const doomed = grants.filter((g) => !hasOfflineAccess(g.scope)).map((g) => g.id);
        if (doomed.length > 0) {
          await trx.updateTable('grants').set({ revoked_at: now }).where('tenant_id', '=', tenantId).where('id', 'in', doomed).where('revoked_at', 'is', null).execute();
          await trx.updateTable('tokens').set({ revoked_at: now }).where('tenant_id', '=', tenantId).where('grant_id', 'in', doomed).where('revoked_at', 'is', null).execute();
        }
        await insertOutboxRows(trx, deliveries);
        return { ended: true, revokedGrants: doomed.length };
      });
    },
  };
}
