import type { Kysely } from 'kysely';
import type { DeviceCodeRecord, DeviceCodeRepo } from '../types.ts';
import { decidePollable, pollableFromRow, pollableToRow, pollPollable, type PollableTable } from './pollable.ts';
import type { Db } from './util.ts';

/** The `device_codes` table (migration 0003). */
export interface DeviceCodesTable extends PollableTable {
  user_code: string;
}

type DeviceDb = Kysely<{ device_codes: DeviceCodesTable }>;

function toRecord(row: DeviceCodesTable): DeviceCodeRecord {
  return { ...pollableFromRow(row), userCode: row.user_code };
}

/** Device codes (RFC 8628), keyed by (tenant, sha256 of the device code). */
export function deviceCodeRepo(base: Db): DeviceCodeRepo {
  const db = base.withTables<{ device_codes: DeviceCodesTable }>() as unknown as DeviceDb;
  return {
    async insert(record) {
      await db
        .insertInto('device_codes')
        .values({ ...pollableToRow(record), user_code: record.userCode })
        .execute();
    },

    async get(tenantId, hash) {
      const row = await db.selectFrom('device_codes').selectAll().where('tenant_id', '=', tenantId).where('hash', '=', hash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async findByUserCode(tenantId, userCode, now) {
      const row = await db
        .selectFrom('device_codes')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_code', '=', userCode)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    decide: (tenantId, hash, decision, now) => decidePollable(db, 'device_codes', tenantId, hash, decision, now, false),

    poll: (tenantId, hash, clientId, now) =>
      pollPollable(db, 'device_codes', tenantId, hash, clientId, now, (row) => toRecord(row as DeviceCodesTable)),
  };
}
