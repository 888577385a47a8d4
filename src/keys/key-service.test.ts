import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from 'jose';
import type { KeyRepo } from '../storage/types.ts';
import type { Kek } from './kek.ts';
import { createKeyService } from './key-service.ts';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('key service', () => {
  it('reads the keys again for an unknown kid at most a few times a second, once for concurrent callers', async () => {
    let reads = 0;
    const repo = {
      listPublished: async () => {
        reads++;
        return [];
      },
    } as unknown as KeyRepo;
    const keys = createKeyService({ repo, kek: {} as Kek, now: () => 1_000, retiredKeyLifetime: 60 });
    const token = `${b64({ alg: 'ES256', kid: 'unknown' })}.${b64({ sub: 'x' })}.AAAA`;
    const refused = (err: unknown) => err instanceof errors.JWKSNoMatchingKey;

    await assert.rejects(keys.verify('t', token), refused);
    assert.equal(reads, 1, 'the first load was moments ago: no second read');
    await Promise.all(Array.from({ length: 50 }, () => assert.rejects(keys.verify('t', token), refused)));
    assert.equal(reads, 1);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(Array.from({ length: 50 }, () => assert.rejects(keys.verify('t', token), refused)));
    assert.equal(reads, 2, 'later, one read shared by every concurrent caller');
  });
});
