import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from './random.ts';

describe('pooled randomBytes', () => {
  it('hands out fresh bytes of the asked size, never the same draw twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(32);
      assert.equal(bytes.length, 32);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex));
      seen.add(hex);
    }
  });

  it('returns copies that later draws and pool refills leave untouched', () => {
    const a = randomBytes(32);
    const before = a.toString('hex');
    assert.notEqual(before, '0'.repeat(64));
    for (let i = 0; i < 300; i++) randomBytes(32);
    assert.equal(a.toString('hex'), before);
  });

  it('serves sizes larger than its pool', () => {
    const big = randomBytes(10_000);
    assert.equal(big.length, 10_000);
    assert.ok(big.some((b) => b !== 0));
  });
});
