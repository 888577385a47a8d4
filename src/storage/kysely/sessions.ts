import { sql } from 'kysely';
import type { SessionRecord, SessionRepo } from '../types.ts';
import type { Row } from './db.ts';
import { count, fromJson, prepared, toJson } from './util.ts';
import type { Db } from './util.ts';

/** A `sessions` row as a record, with the client ids linked to it. */
export function toRecord(row: Row<'sessions'>, clients: string[]): SessionRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    cookieHash: row.cookie_hash,
    sub: row.sub,
    authTime: row.auth_time,
    acr: row.acr,
    amr: fromJson<string[]>(row.amr),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
    clients,
  };
}

/** Browser sessions, keyed by (tenant, sid); the clients of a session live in `session_clients`. */
export function sessionRepo(db: Db): SessionRepo {
  /** Attaches each session's client ids (sorted) with one extra query for all of them. */
  async function withClients(tenantId: string, rows: Row<'sessions'>[]): Promise<SessionRecord[]> {
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('session_clients')
      .select(['session_id', 'client_id'])
      .where('tenant_id', '=', tenantId)
      .where('session_id', 'in', rows.map((r) => r.id))
      .orderBy('client_id')
      .execute();
    const bySession = new Map<string, string[]>();
    for (const link of links) {
      const list = bySession.get(link.session_id);
      if (list) list.push(link.client_id);
      else bySession.set(link.session_id, [link.client_id]);
    }
    return rows.map((row) => toRecord(row, bySession.get(row.id) ?? []));
  }

  /**
   * A session with one row per linked client (one row with `linked_client` null when it has
   * none): a session and its clients in one query. Every authorization request looks its
   * session up by cookie.
   */
  const withLinks = (db: Db) =>
    db
      .selectFrom('sessions')
      .leftJoin('session_clients', (join) =>
        join.onRef('session_clients.tenant_id', '=', 'sessions.tenant_id').onRef('session_clients.session_id', '=', 'sessions.id'),
      )
      .selectAll('sessions')
      .select('session_clients.client_id as linked_client')
      .orderBy('session_clients.client_id');
  const liveByCookie = prepared(db, (db, arg) =>
    withLinks(db)
      .where('sessions.tenant_id', '=', arg(0))
      .where('sessions.cookie_hash', '=', arg(1))
      .where('sessions.ended_at', 'is', null)
      .where('sessions.expires_at', '>', arg(2)),
  );
  const byId = prepared(db, (db, arg) => withLinks(db).where('sessions.tenant_id', '=', arg(0)).where('sessions.id', '=', arg(1)));

  function fromLinks(rows: (Row<'sessions'> & { linked_client: string | null })[]): SessionRecord | undefined {
    const [first] = rows;
    if (!first) return undefined;
    const { linked_client: _, ...session } = first;
    return toRecord(session, rows.flatMap((row) => (row.linked_client === null ? [] : [row.linked_client])));
  }

  return {
    async insert(session) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('sessions')
          .values({
            tenant_id: session.tenantId,
            id: session.id,
            cookie_hash: session.cookieHash,
            sub: session.sub,
            auth_time: session.authTime,
            acr: session.acr,
            amr: toJson(session.amr),
            created_at: session.createdAt,
            expires_at: session.expiresAt,
            ended_at: session.endedAt,
          })
          .execute();
        if (session.clients.length > 0) {
          await trx
            .insertInto('session_clients')
            .values(
              session.clients.map((clientId) => ({
                tenant_id: session.tenantId,
                session_id: session.id,
                client_id: clientId,
              })),
            )
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
      });
    },

    async findByCookie(tenantId, cookieHash, now) {
      return fromLinks(await liveByCookie(tenantId, cookieHash, now));
    },

    async get(tenantId, id) {
      return fromLinks(await byId(tenantId, id));
    },

    /**
     * INSERT … SELECT from the session row: a missing (or concurrently swept) session makes
     * this a no-op instead of a foreign-key error.
     */
    async addClient(tenantId, id, clientId) {
      await db
        .insertInto('session_clients')
        .columns(['tenant_id', 'session_id', 'client_id'])
        .expression(
          db
            .selectFrom('sessions')
            .select(['tenant_id', 'id as session_id', sql<string>`cast(${clientId} as text)`.as('client_id')])
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async listBySub(tenantId, sub, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('sub', '=', sub)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return withClients(tenantId, rows);
    },

    async end(tenantId, id, now) {
      const result = await db
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
  };
}
