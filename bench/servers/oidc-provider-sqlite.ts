/**
 * An oidc-provider adapter on a SQLite file with the settings of Portcullis's own: better-sqlite3,
 * the same connection settings (`configureSqlite` in src/storage/open.ts: WAL, `synchronous =
 * NORMAL`), prepared statements, and checkpoints on a worker thread (src/storage/checkpointer.ts). It makes oidc-provider's storage durable
 * like Portcullis's default, where its development adapter keeps everything in process memory
 * and loses it on restart.
 *
 * Every model (Session, Grant, AuthorizationCode, AccessToken, …) is a row of one table keyed
 * by (model, id): the payload as JSON, plus the columns oidc-provider looks rows up by (grant,
 * user code, uid), the expiry and the consumption time. Each call of the adapter interface is
 * one statement, committed on its own: unlike Portcullis, which group-commits the inserts of
 * concurrent requests (src/storage/kysely/batch.ts), an adapter sees one call at a time.
 * A row is gone once it expires, as with a Redis key's EXPIRE; revoking a grant deletes the
 * models oidc-provider's memory adapter lists as grantable.
 */
import Sqlite from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from '../../src/storage/checkpointer.ts';
import { configureSqlite } from '../../src/storage/open.ts';

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

/** oidc-provider's adapter interface: one instance per model (Session, Grant, AccessToken, …). */
export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface Row {
  payload: string;
  consumed_at: number | null;
}

const SCHEMA = `
create table if not exists oidc_models (
  model text not null,
  id text not null,
  payload text not null,
  grant_id text,
  user_code text,
  uid text,
  expires_at integer,
  consumed_at integer,
  primary key (model, id)
);
create index if not exists oidc_models_grant on oidc_models (grant_id) where grant_id is not null;
create index if not exists oidc_models_user_code on oidc_models (model, user_code) where user_code is not null;
create index if not exists oidc_models_uid on oidc_models (model, uid) where uid is not null;
`;

/** What a grant's revocation takes with it (lib/adapters/memory_adapter.js in oidc-provider). */
const GRANTABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode'];

const now = () => Math.floor(Date.now() / 1000);

/** Opens `path` and returns oidc-provider's `adapter` option (a class, one instance per model) and a close function. */
export function sqliteAdapter(path: string): { Adapter: new (model: string) => OidcAdapter; close(): Promise<void> } {
  const db = new Sqlite(path);
  configureSqlite(db);
  db.exec(SCHEMA);
  const checkpointer: Checkpointer = startCheckpointer(db, path);

  const upsert = db.prepare(
    `insert into oidc_models (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at) values (?, ?, ?, ?, ?, ?, ?, null)
     on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
       uid = excluded.uid, expires_at = excluded.expires_at, consumed_at = null`,
  );

  const found = (row: Row | undefined): Payload | undefined => {
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as Payload;
    return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
  };

  /** The live payload of a model whose `column` is the key (each column has its index). */
  const by = (column: 'id' | 'user_code' | 'uid') => {
    const select = db.prepare(`select payload, consumed_at from oidc_models where model = ? and ${column} = ? and (expires_at is null or expires_at > ?)`);
    return (model: string, key: string) => found(select.get(model, key, now()) as Row | undefined);
  };
  const byId = by('id');
  const byUserCode = by('user_code');
  const byUid = by('uid');
  const consume = db.prepare('update oidc_models set consumed_at = ? where model = ? and id = ?');
  const destroy = db.prepare('delete from oidc_models where model = ? and id = ?');
  const revokeByGrantId = db.prepare(
    `delete from oidc_models where grant_id = ? and model in (${GRANTABLE.map(() => '?').join(', ')})`,
  );

  class SqliteAdapter implements OidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn : null;
      upsert.run(this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresAt);
    }

    async find(id: string): Promise<Payload | undefined> {
      return byId(this.model, id);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return byUserCode(this.model, userCode);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return byUid(this.model, uid);
    }

    async consume(id: string): Promise<void> {
      consume.run(now(), this.model, id);
    }

    async destroy(id: string): Promise<void> {
      destroy.run(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      revokeByGrantId.run(grantId, ...GRANTABLE);
    }
  }

  return {
    Adapter: SqliteAdapter,
    async close() {
      await checkpointer.stop();
      db.close();
    },
  };
}
