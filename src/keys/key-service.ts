/**
 * Per-tenant signing keys backed by the KeyRepo. Key material is decrypted once and cached as
 * KeyObjects; the cache is refreshed every few seconds so that a rotation done by another
 * process (the CLI, another instance) is picked up without a restart.
 */
import { createPrivateKey } from 'node:crypto';
import type { JWTPayload, JWTVerifyResult } from 'jose';
import type { KeyRepo, SigningKeyRecord } from '../storage/types.ts';
import { newSigningKeyRecord } from './generate.ts';
import type { Kek } from './kek.ts';
import { signCompact } from './sign.ts';
import { verificationKeys, verifyJwt, type VerificationKeys } from './verify.ts';
import { SIGNING_ALGS, type ActiveKey, type JwtHeaderExtras, type KeyService, type PublicJwk, type SigningAlg } from './types.ts';

interface TenantKeys {
  loadedAt: number;
  published: PublicJwk[];
  active: Map<SigningAlg, ActiveKey>;
  verifier: VerificationKeys;
}

export interface KeyServiceOptions {
  repo: KeyRepo;
  kek: Kek;
  /** Epoch seconds. */
  now: () => number;
  /** How long a rotated-out key stays published (seconds). */
  retiredKeyLifetime: number;
  /** Cache lifetime in milliseconds (default 5 s). */
  cacheMs?: number;
}

/** The least time between two reloads caused by a token naming a key this process does not know. */
const UNKNOWN_KID_RELOAD_MS = 250;

export function createKeyService(options: KeyServiceOptions): KeyService {
  const { repo, kek, now } = options;
  const cacheMs = options.cacheMs ?? 5000;
  const cache = new Map<string, TenantKeys>();
  const loading = new Map<string, Promise<TenantKeys>>();

  const newRecord = (tenantId: string, alg: SigningAlg): Promise<SigningKeyRecord> => newSigningKeyRecord(tenantId, alg, kek, 'active', now);

  async function load(tenantId: string): Promise<TenantKeys> {
    const records = await repo.listPublished(tenantId, now());
    const active = new Map<SigningAlg, ActiveKey>();
    for (const r of records) {
      // listPublished is newest first: the first active key per alg wins.
      if (r.status !== 'active' || active.has(r.alg)) continue;
      const previous = cache.get(tenantId)?.active.get(r.alg);
      const privateKey = previous?.kid === r.kid ? previous.privateKey : createPrivateKey(kek.decrypt(r.privateKeyEncrypted));
      active.set(r.alg, { kid: r.kid, alg: r.alg, privateKey });
    }
    const ordered = [...records.filter((r) => r.status === 'active'), ...records.filter((r) => r.status !== 'active')];
    const published = ordered.map((r) => r.publicJwk);
    const entry: TenantKeys = {
      loadedAt: Date.now(),
      published,
      active,
      // Public keys imported by an earlier load are reused: a reload (every cacheMs, and on an
      // unknown kid) imports only keys that are new.
      verifier: verificationKeys(records, cache.get(tenantId)?.verifier),
    };
    cache.set(tenantId, entry);
    return entry;
  }

  /** One reload at a time per tenant: concurrent callers share it. */
  function reload(tenantId: string): Promise<TenantKeys> {
    let pending = loading.get(tenantId);
    if (!pending) {
      pending = load(tenantId).finally(() => loading.delete(tenantId));
      loading.set(tenantId, pending);
    }
    return pending;
  }

  async function get(tenantId: string): Promise<TenantKeys> {
    const cached = cache.get(tenantId);
    if (cached && Date.now() - cached.loadedAt < cacheMs) return cached;
    const pending = reload(tenantId);
    // Serve the stale entry while refreshing, if there is one.
    return cached ?? pending;
  }

  async function ensure(tenantId: string): Promise<void> {
    const current = await load(tenantId);
    const missing = SIGNING_ALGS.filter((alg) => !current.active.has(alg));
    if (missing.length === 0) return;
    for (const record of await Promise.all(missing.map((alg) => newRecord(tenantId, alg)))) await repo.insert(record);
    await load(tenantId);
  }

  async function active(tenantId: string, alg: SigningAlg): Promise<ActiveKey> {
    const key = (await get(tenantId)).active.get(alg);
    if (key) return key;
    await ensure(tenantId);
    const generated = (await load(tenantId)).active.get(alg);
    if (!generated) throw new Error(`no active ${alg} key for tenant ${tenantId}`);
    return generated;
  }

  return {
    ensure,
    active,

    async jwks(tenantId) {
      return { keys: (await get(tenantId)).published };
    },

    async rotate(tenantId, algs = SIGNING_ALGS) {
      const retireUntil = now() + options.retiredKeyLifetime;
      const created: PublicJwk[] = [];
      for (const alg of algs) {
        const record = await newRecord(tenantId, alg);
        await repo.rotate(tenantId, record, retireUntil);
        created.push(record.publicJwk);
      }
      await load(tenantId);
      return created;
    },

    async sign(tenantId: string, alg: SigningAlg, payload: JWTPayload, header: JwtHeaderExtras = {}) {
      const key = await active(tenantId, alg);
      return signCompact(alg, key.kid, key.privateKey, payload, header.typ ?? 'JWT');
    },

    async verify(tenantId: string, jwt: string, opts: { currentDate?: Date; typ?: string } = {}): Promise<JWTVerifyResult> {
      let keys = await get(tenantId);
      const verifyOptions = { now: Math.floor((opts.currentDate ?? new Date()).getTime() / 1000), ...(opts.typ ? { typ: opts.typ } : {}) };
      try {
        return verifyJwt(jwt, keys.verifier, verifyOptions);
      } catch (err) {
        // A key minted by another instance moments ago: reload once and retry. Tokens naming
        // unknown keys cannot make this process read the keys more than a few times a second.
        if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
        const cached = cache.get(tenantId);
        keys = cached && Date.now() - cached.loadedAt < UNKNOWN_KID_RELOAD_MS ? cached : await reload(tenantId);
        return verifyJwt(jwt, keys.verifier, verifyOptions);
      }
    },
  };
}
