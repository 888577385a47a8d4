import type { ClientMetadata } from '../../domain/client.ts';
import type { ClientRecord, ClientRepo, ClientSource } from '../types.ts';
import type { Row } from './db.ts';
import { count, fromJson, pageSize, toJson, toPage } from './util.ts';
import type { Db } from './util.ts';

/** A `clients` row as a record; the admin queries map their rows with it too. */
export function toRecord(row: Row<'clients'>): ClientRecord {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    secretHash: row.secret_hash,
    secretEncrypted: row.secret_encrypted,
    metadata: fromJson<ClientMetadata>(row.metadata),
    source: row.source as ClientSource,
    registrationTokenHash: row.registration_token_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Clients, keyed by (tenant, client_id); metadata is a JSON document. */
export function clientRepo(db: Db): ClientRepo {
  return {
    async get(tenantId, clientId) {
      const row = await db
        .selectFrom('clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId);
      if (options?.cursor !== undefined) query = query.where('client_id', '>', options.cursor);
      const rows = await query.orderBy('client_id').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.client_id, toRecord);
    },

    async upsert(client) {
      await db
        .insertInto('clients')
        .values({
          tenant_id: client.tenantId,
          client_id: client.clientId,
          secret_hash: client.secretHash,
          secret_encrypted: client.secretEncrypted,
          metadata: toJson(client.metadata),
          source: client.source,
          registration_token_hash: client.registrationTokenHash,
          created_at: client.createdAt,
          updated_at: client.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'client_id']).doUpdateSet((eb) => ({
            secret_hash: eb.ref('excluded.secret_hash'),
            secret_encrypted: eb.ref('excluded.secret_encrypted'),
            metadata: eb.ref('excluded.metadata'),
            source: eb.ref('excluded.source'),
            registration_token_hash: eb.ref('excluded.registration_token_hash'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async delete(tenantId, clientId) {
      const result = await db
        .deleteFrom('clients')
        .where('tenant_id', '=', tenantId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
  };
}
