/**
 * Group commit for inserts that arrive together. Under load many requests reach the same
 * insert within one turn of the event loop; instead of one statement (and, on SQLite, one
 * commit) each, they are written as one multi-row INSERT on the next turn. Every caller still
 * resolves only after its row is committed, so nothing is acknowledged before it is durable.
 * When a batch fails, its rows are retried one by one, so one bad row fails only its caller.
 */

/** Rows per statement: small enough for any database's bound-parameter limit. */
const MAX_BATCH = 64;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function batchedInsert<T>(write: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let queue: Pending<T>[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    if (queue.length > 0) schedule();
    try {
      await write(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) {
        try {
          await write([p.item]);
          p.resolve();
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }

  function schedule(): void {
    scheduled = true;
    setImmediate(() => void flush());
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) schedule();
    });
}
