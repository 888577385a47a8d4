import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchedInsert } from './batch.ts';

describe('batchedInsert', () => {
  it('writes inserts made in the same turn as one batch, and resolves each after it', async () => {
    const batches: number[][] = [];
    const insert = batchedInsert<number>(async (items) => {
      batches.push(items);
    });
    await Promise.all([insert(1), insert(2), insert(3)]);
    await insert(4);
    assert.deepEqual(batches, [[1, 2, 3], [4]]);
  });

  it('fails only the caller whose row fails', async () => {
    const insert = batchedInsert<number>(async (items) => {
      if (items.includes(2)) throw new Error(`bad row in ${items.join(',')}`);
    });
    const results = await Promise.allSettled([insert(1), insert(2), insert(3)]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });
});
