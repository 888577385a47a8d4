/** Small helpers shared by the Kysely repositories. */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database, Row } from './db.ts';
import type { ConsumeResult, ListOptions, Page } from '../types.ts';

export type Db = Kysely<Database>;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Encodes a document-like field for a TEXT column. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Decodes a TEXT column written by `toJson`. The type is the caller's promise: only this
 * layer writes these columns.
 */
export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** `null` stays `null`, so "absent" survives a round trip. */
export function toJsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function fromJsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** The page size to use: the default when unset, clamped to 1…MAX_PAGE_SIZE. */
export function pageSize(options: ListOptions | undefined): number {
  const limit = options?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only proves there is a next
 * page, and the cursor is the key of the last row returned.
 */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => string, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    next: more && last !== undefined ? key(last) : undefined,
  };
}

/** Kysely reports affected rows as bigint; every count here fits a number. */
export function count(n: bigint | undefined): number {
  return n === undefined ? 0 : Number(n);
}

/**
 * The answer of a single-use consume. `won` is the row its `UPDATE … WHERE consumed_at IS NULL
 * RETURNING` changed: only that caller gets `ok`. Otherwise `readBack` explains the miss: a row
 * already consumed is `reused` (replay); an unknown or swept row, or one the UPDATE's other
 * conditions (expiry, revocation) left unconsumed, is `missing`.
 */
export async function consumeOutcome<R extends { consumed_at: number | null }, T>(
  won: R | undefined,
  readBack: () => Promise<R | undefined>,
  toRecord: (row: R) => T,
): Promise<ConsumeResult<T>> {
  if (won) return { status: 'ok', record: toRecord(won) };
  const row = await readBack();
  return row && row.consumed_at !== null ? { status: 'reused', record: toRecord(row) } : { status: 'missing' };
}

/**
 * Runs a compiled query on the spot and returns its rows, or `undefined` when it must instead
 * queue behind Kysely's own queries (on SQLite: while a transaction is open). See open.ts.
 */
export type DirectExecutor = (query: CompiledQuery) => unknown[] | undefined;

const directExecutors = new WeakMap<Db, DirectExecutor>();

/** Lets the queries that `prepared` builds for `db` skip Kysely's connection handling. */
export function setDirectExecutor(db: Db, execute: DirectExecutor): void {
  directExecutors.set(db, execute);
}

/** Stands for the i-th argument of a prepared query while it is built (see `prepared`). */
export type Arg = (index: number) => never;

const ARG_MARK = '\u0000arg:';

/**
 * A query of fixed shape, built and compiled to SQL once instead of on every call: the hot
 * reads and the code consumption run thousands of times a second, and Kysely's building and
 * compiling cost more than SQLite's execution of them. `build` places `arg(i)` wherever the
 * i-th argument goes; the result runs the compiled SQL with the arguments in those places.
 * When a plugin is installed (tracing), it must see every execution compile, so the query is
 * then built on every call as usual.
 */
export function prepared<O>(db: Db, build: (db: Db, arg: Arg) => Compilable<O>): (...args: unknown[]) => Promise<O[]> {
  if (db.getExecutor().plugins.length > 0) {
    return async (...args) => (await db.executeQuery(build(db, (i) => args[i] as never))).rows;
  }
  const compiled = build(db, (i) => `${ARG_MARK}${i}` as never).compile();
  const slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(ARG_MARK) ? Number(p.slice(ARG_MARK.length)) : -1));
  const direct = directExecutors.get(db);
  return async (...args) => {
    const query: CompiledQuery<O> = { ...compiled, parameters: slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot])) };
    return (direct?.(query) as O[] | undefined) ?? (await db.executeQuery(query)).rows;
  };
}

/**
 * A multi-row INSERT of whole rows into `table`, compiled once per row count (see `prepared`):
 * the group-committed inserts (batch.ts) write between 1 and 64 rows at a time, and building
 * and compiling the statement cost more than binding its values. Every row must have the
 * columns of the first row ever inserted, in the same order, as the repositories' `toRow` give.
 */
export function preparedInsert<T extends keyof Database & string>(db: Db, table: T): (rows: Row<T>[]) => Promise<void> {
  const bySize = new Map<number, (...args: unknown[]) => Promise<unknown[]>>();
  let columns: string[] | undefined;
  return async (rows) => {
    if (rows.length === 0) return;
    const names = (columns ??= Object.keys(rows[0] as object));
    let insert = bySize.get(rows.length);
    if (!insert) {
      const size = rows.length;
      insert = prepared(db, (db, arg) => {
        const values = Array.from({ length: size }, (_, r) => Object.fromEntries(names.map((name, c) => [name, arg(r * names.length + c)])));
        return db.insertInto(table).values(values as never);
      });
      bySize.set(size, insert);
    }
    await insert(...rows.flatMap((row) => names.map((name) => (row as Record<string, unknown>)[name])));
  };
}
