/** User codes (RFC 8628 §6.1): alphabet, shape, and forgiving input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUserCode, generateUserCode, normalizeUserCode, USER_CODE_ALPHABET } from '../../src/device/user-code.ts';

describe('user codes', () => {
  it('are eight letters of an alphabet without vowels or look-alikes, shown as XXXX-XXXX', () => {
    assert.equal(USER_CODE_ALPHABET.match(/[AEIOUY01]/g), null);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generateUserCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      assert.match(formatUserCode(code), /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      seen.add(code);
    }
    assert.ok(seen.size > 490, 'random, not repeating');
  });

  it('match case- and separator-insensitively; anything else is no code', () => {
    assert.equal(normalizeUserCode('bcdf-ghjk'), 'BCDFGHJK');
    assert.equal(normalizeUserCode(' BCDF GHJK '), 'BCDFGHJK');
    assert.equal(normalizeUserCode('BcDfGhJk'), 'BCDFGHJK');
    assert.equal(normalizeUserCode('BCDF-GHJ'), undefined);
    assert.equal(normalizeUserCode('BCDF-GHJA'), undefined, 'vowels are never issued');
    assert.equal(normalizeUserCode(''), undefined);
  });
});
