import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashSecret, orderedSecret, PREFIX, randomSecret } from './secrets.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

describe('bearer secrets', () => {
  it('keeps a plain random secret under its SHA-256', () => {
    const secret = randomSecret(PREFIX.clientSecret);
    assert.match(secret, /^pc_cs_[A-Za-z0-9_-]{43}$/);
    assert.equal(hashSecret(secret), sha256(secret));
  });

  it('gives an ordered secret 256 random bits after its issue time, and keeps the time in front of the hash', () => {
    const at = Date.UTC(2026, 10, 29, 23, 0, 0, 5);
    const secret = orderedSecret(PREFIX.accessToken, at);
    assert.match(secret, /^pc_at_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.equal(parseInt(secret.slice(6, 18), 16), at);
    assert.equal(hashSecret(secret), `${secret.slice(6, 18)}.${sha256(secret)}`);
    assert.notEqual(orderedSecret(PREFIX.accessToken, at), secret);
  });

  it('orders storage keys by issue time', () => {
    const keys = [3, 1, 2].map((ms) => hashSecret(orderedSecret(PREFIX.code, 1_800_000_000_000 + ms)));
    assert.deepEqual([...keys].sort().map((k) => keys.indexOf(k)), [1, 2, 0]);
  });

  it('hashes anything else, including look-alikes, as before', () => {
    for (const s of ['garbage', 'pc_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'pc_at_0123456789ab', `pc_at_0123456789AB${'A'.repeat(43)}`, `pc_at_0123456789ab${'A'.repeat(42)}`]) assert.equal(hashSecret(s), sha256(s));
  });
});
