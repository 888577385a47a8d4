/**
 * What device codes and CIBA requests share: the row shape of a polled authorization and the
 * atomic statements behind a user's decision and a client's poll (RFC 8628 §3.5, OpenID CIBA
 * §11). Both tables (migration 0003) have these columns; each repository passes its table name.
 */
import type { Kysely } from 'kysely';
import type { PollableDecision, PollableRecord, PollableStatus, PollOutcome } from '../types.ts';
import { deleteExpired } from './sweep.ts';
import { count, fromJson } from './util.ts';

export interface PollableTable {
  tenant_id: string;
  hash: string;
  client_id: string;
  scope: string;
  /** JSON: string[]. */
  resources: string;
  status: string;
  grant_id: string | null;
  poll_interval: number;
  last_polled_at: number | null;
  expires_at: number;
  created_at: number;
  decided_at: number | null;
  consumed_at: number | null;
}

export type PollableTableName = 'device_codes' | 'ciba_requests';

/**
 * The statements below only touch the shared columns, so they run against either table through
 * one view of the database; `table` is the real name that ends up in the SQL.
 */
type PollDb = Kysely<{ pollable: PollableTable }>;

function asStatus(value: string): PollableStatus {
  return value === 'approved' || value === 'denied' ? value : 'pending';
}

export function pollableFromRow(row: PollableTable): PollableRecord {
  return {
    tenantId: row.tenant_id,
    hash: row.hash,
    clientId: row.client_id,
    scope: row.scope,
    resources: fromJson<string[]>(row.resources),
    status: asStatus(row.status),
    grantId: row.grant_id,
    interval: row.poll_interval,
    lastPolledAt: row.last_polled_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    consumedAt: row.consumed_at,
  };
}

export function pollableToRow(r: PollableRecord): PollableTable {
  return {
    tenant_id: r.tenantId,
    hash: r.hash,
    client_id: r.clientId,
    scope: r.scope,
    resources: JSON.stringify(r.resources),
    status: r.status,
    grant_id: r.grantId,
    poll_interval: r.interval,
    last_polled_at: r.lastPolledAt,
    expires_at: r.expiresAt,
    created_at: r.createdAt,
    decided_at: r.decidedAt,
    consumed_at: r.consumedAt,
  };
}

/** Sets the decision only while the row is pending and unexpired: one UPDATE decides any race. */
export async function decidePollable(
  db: object,
  table: PollableTableName,
  tenantId: string,
  hash: string,
  decision: PollableDecision,
  now: number,
  consume: boolean,
): Promise<boolean> {
  const result = await (db as PollDb)
    .updateTable(table as 'pollable')
    .set({
      status: decision.status,
      grant_id: decision.status === 'approved' ? decision.grantId : null,
      decided_at: now,
      ...(consume && decision.status === 'approved' ? { consumed_at: now } : {}),
    })
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', hash)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return count(result.numUpdatedRows) === 1;
}

/**
 * One poll. Reads the row, then: expired → `expired`; polled sooner than `poll_interval` after
 * the previous poll → the interval grows by 5 s (RFC 8628 §3.5 `slow_down`); otherwise the
 * poll is recorded and the status answers, an approval being consumed by exactly one caller
 * (`UPDATE … WHERE consumed_at IS NULL`). A foreign client's poll changes nothing.
 */
export async function pollPollable<T>(
  db: object,
  table: PollableTableName,
  tenantId: string,
  hash: string,
  clientId: string,
  now: number,
  toRecord: (row: PollableTable) => T,
): Promise<PollOutcome<T>> {
  const pdb = db as PollDb;
  const name = table as 'pollable';
  const read = () => pdb.selectFrom(name).selectAll().where('tenant_id', '=', tenantId).where('hash', '=', hash).executeTakeFirst();
  const row = await read();
  if (!row || row.client_id !== clientId) return { status: 'missing' };
  if (row.expires_at <= now) return { status: 'expired', record: toRecord(row) };
  if (row.status === 'approved' && row.consumed_at !== null) return { status: 'consumed', record: toRecord(row) };

  const onTime = await pdb
    .updateTable(name)
    .set({ last_polled_at: now })
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', hash)
    .where((eb) => eb.or([eb('last_polled_at', 'is', null), eb('last_polled_at', '<=', eb(eb.val(now), '-', eb.ref('poll_interval')))]))
    .returningAll()
    .executeTakeFirst();
  if (!onTime) {
    const slowed = await pdb
      .updateTable(name)
      .set((eb) => ({ poll_interval: eb('poll_interval', '+', 5), last_polled_at: now }))
      .where('tenant_id', '=', tenantId)
      .where('hash', '=', hash)
      .returningAll()
      .executeTakeFirst();
    return { status: 'slow_down', record: toRecord(slowed ?? row) };
  }
  if (onTime.status === 'pending') return { status: 'pending', record: toRecord(onTime) };
  if (onTime.status === 'denied') return { status: 'denied', record: toRecord(onTime) };

  const won = await pdb
    .updateTable(name)
    .set({ consumed_at: now })
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', hash)
    .where('status', '=', 'approved')
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (won) return { status: 'issue', record: toRecord(won) };
  const after = await read();
  return { status: 'consumed', record: toRecord(after ?? onTime) };
}

/** How long an expired device code or CIBA request is kept, so late polls still get `expired_token`. */
export const POLLABLE_RETENTION = 3600;

/**
 * Deletes up to `batch` rows of each polled-authorization table that expired more than
 * POLLABLE_RETENTION seconds before `now` (bounded, as `deleteExpired` is). Returns how many went.
 */
export async function sweepPollables(db: object, now: number, batch: number): Promise<number> {
  const limit = Math.max(0, Math.trunc(batch));
  if (limit === 0) return 0;
  let deleted = 0;
  for (const table of ['device_codes', 'ciba_requests'] as const) deleted += await deleteExpired(db, table, 'hash', now - POLLABLE_RETENTION, limit);
  return deleted;
}
