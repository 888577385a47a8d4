import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { generateSigningKey, type GeneratedKey } from './generate.ts';
import { signArgs, signCompact } from './sign.ts';
import { SIGNING_ALGS } from './types.ts';
import { verificationKeys, verifyJwt } from './verify.ts';

const NOW = 1_900_000_000;
const keys = await Promise.all(SIGNING_ALGS.map((alg) => generateSigningKey(alg)));
const set = verificationKeys(keys);
const byAlg = (alg: string) => keys.find((k) => k.alg === alg) as GeneratedKey;

function signed(key: GeneratedKey, payload: object, typ = 'JWT'): Promise<string> {
  return signCompact(key.alg, key.kid, createPrivateKey(key.privatePem), payload, typ);
}

/** A compact JWS with any header and payload text, signed with `key`'s private key for `key.alg`. */
function rawSigned(key: GeneratedKey, header: Record<string, unknown>, payload: string): string {
  const input = `${Buffer.from(JSON.stringify({ alg: key.alg, ...header })).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  const [digest, signKey] = signArgs(key.alg, createPrivateKey(key.privatePem));
  return `${input}.${sign(digest, Buffer.from(input), signKey).toString('base64url')}`;
}

const withHeader = (key: GeneratedKey, header: Record<string, unknown>, payload: object) => rawSigned(key, header, JSON.stringify(payload));

describe('verifyJwt', () => {
  for (const key of keys) {
    it(`accepts a ${key.alg} token of its own, as jose's jwtVerify does`, async () => {
      const token = await signed(key, { sub: 'alice', exp: NOW + 60, iat: NOW }, 'at+jwt');
      const ours = verifyJwt(token, set, { now: NOW, typ: 'at+jwt' });
      const theirs = await jwtVerify(token, createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) } as JSONWebKeySet), { typ: 'at+jwt', currentDate: new Date(NOW * 1000) });
      assert.deepEqual(ours.payload, theirs.payload);
      assert.deepEqual(ours.protectedHeader, theirs.protectedHeader);
    });
  }

  it('takes application/at+jwt for at+jwt and refuses another typ', async () => {
    const key = byAlg('ES256');
    assert.equal(verifyJwt(await signed(key, { exp: NOW + 1 }, 'application/at+jwt'), set, { now: NOW, typ: 'at+jwt' }).payload.exp, NOW + 1);
    const plain = await signed(key, { exp: NOW + 1 }, 'JWT');
    assert.throws(() => verifyJwt(plain, set, { now: NOW, typ: 'at+jwt' }), errors.JWTClaimValidationFailed);
  });

  it('refuses an expired token and one not yet valid, with jose error classes', async () => {
    const key = byAlg('RS256');
    const expired = await signed(key, { exp: NOW });
    assert.throws(() => verifyJwt(expired, set, { now: NOW }), errors.JWTExpired);
    assert.equal(verifyJwt(expired, set, { now: NOW - 1 }).payload.exp, NOW);
    const early = await signed(key, { nbf: NOW + 1 });
    assert.throws(() => verifyJwt(early, set, { now: NOW }), errors.JWTClaimValidationFailed);
    const malformed = await signed(key, { exp: 'soon' });
    assert.throws(() => verifyJwt(malformed, set, { now: NOW }), errors.JWTClaimValidationFailed);
  });

  it('refuses a changed payload, header or signature', async () => {
    const key = byAlg('EdDSA');
    const [h, p, s] = (await signed(key, { sub: 'alice' })).split('.') as [string, string, string];
    const other = Buffer.from(JSON.stringify({ sub: 'mallory' })).toString('base64url');
    assert.throws(() => verifyJwt(`${h}.${other}.${s}`, set, { now: NOW }), errors.JWSSignatureVerificationFailed);
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })).toString('base64url');
    assert.throws(() => verifyJwt(`${header}.${p}.${s}`, set, { now: NOW }), errors.JWSSignatureVerificationFailed);
    assert.throws(() => verifyJwt(`${h}.${p}.${s.slice(0, -4)}AAAA`, set, { now: NOW }), errors.JWSSignatureVerificationFailed);
    assert.throws(() => verifyJwt(`${h}.${p}.${s}!`, set, { now: NOW }), errors.JWSInvalid);
    assert.throws(() => verifyJwt(`${h}.${p}`, set, { now: NOW }), errors.JWSInvalid);
  });

  it('lets the key, not the header, decide the algorithm', async () => {
    const rsa = byAlg('RS256');
    // The RS256 key's signature presented as PS256 under the same kid.
    const token = await signed(rsa, { sub: 'alice' });
    const [, p, s] = token.split('.') as [string, string, string];
    const ps = Buffer.from(JSON.stringify({ alg: 'PS256', kid: rsa.kid, typ: 'JWT' })).toString('base64url');
    assert.throws(() => verifyJwt(`${ps}.${p}.${s}`, set, { now: NOW }), errors.JWKSNoMatchingKey);
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: rsa.kid })).toString('base64url');
    assert.throws(() => verifyJwt(`${none}.${p}.`, set, { now: NOW }), errors.JOSEAlgNotAllowed);
    const unknownKid = withHeader(rsa, { kid: 'unknown' }, { sub: 'alice' });
    assert.throws(() => verifyJwt(unknownKid, set, { now: NOW }), errors.JWKSNoMatchingKey);
    const noKid = withHeader(rsa, {}, { sub: 'alice' });
    assert.throws(() => verifyJwt(noKid, set, { now: NOW }), errors.JWKSNoMatchingKey);
  });

  it('refuses critical extensions and payloads that are not JSON objects', async () => {
    const key = byAlg('ES256');
    const critical = withHeader(key, { kid: key.kid, crit: ['exp'], exp: 1 }, { sub: 'alice' });
    assert.throws(() => verifyJwt(critical, set, { now: NOW }), errors.JWSInvalid);
    const array = rawSigned(key, { kid: key.kid }, '[1,2]');
    assert.throws(() => verifyJwt(array, set, { now: NOW }), errors.JWTInvalid);
  });
});

describe('verificationKeys', () => {
  it('reuses the keys of the previous set by kid and imports only new ones', async () => {
    const [first, ...rest] = keys as [GeneratedKey, ...GeneratedKey[]];
    const before = verificationKeys([first]);
    const after = verificationKeys([first, ...rest], before);
    assert.equal(after.get(first.kid), before.get(first.kid));
    assert.equal(after.size, keys.length);
    const token = await signed(first, { sub: 'alice' });
    assert.equal(verifyJwt(token, after, { now: NOW }).payload.sub, 'alice');
    // A kid that now names another algorithm is imported again, never taken over.
    const renamed = verificationKeys([{ ...(rest[0] as GeneratedKey), kid: first.kid }], before);
    assert.notEqual(renamed.get(first.kid), before.get(first.kid));
  });
});
