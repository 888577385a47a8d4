/**
 * Key-encryption key: AES-256-GCM over private keys and client_secret_jwt secrets at rest.
 * Derived from PORTCULLIS_SECRET, or from a random secret generated into the data directory
 * on first start (with a warning, since losing that file loses every encrypted key).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Kek {
  encrypt(plaintext: string): string;
  /** Throws when the ciphertext was not produced by this key (or was tampered with). */
  decrypt(ciphertext: string): string;
  /** A keyed MAC (HMAC-SHA256, base64url) for derived identifiers such as pairwise subjects. */
  mac(purpose: string, data: string): string;
}

const VERSION = 'v1';

/** A KEK from a secret string (any length; hashed to 256 bits). */
export function kekFromSecret(secret: string): Kek {
  const key = createHash('sha256').update(`portcullis-kek:${secret}`).digest();
  const macKey = createHash('sha256').update(`portcullis-mac:${secret}`).digest();
  return {
    mac(purpose, data) {
      return createHmac('sha256', macKey).update(`${purpose}\0${data}`).digest('base64url');
    },
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    decrypt(ciphertext) {
      const [version, iv, body, tag] = ciphertext.split('.');
      if (version !== VERSION || !iv || !body || !tag) throw new Error('not a Portcullis ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export interface KekSource {
  kek: Kek;
  /** Where the secret came from; `generated` means it was just written to `path`. */
  origin: 'env' | 'file' | 'generated';
  path?: string;
}

/** PORTCULLIS_SECRET if set; else `<dataDir>/secret.key`, created (mode 0600) when missing. */
export function loadKek(dataDir: string, env: NodeJS.ProcessEnv = process.env): KekSource {
  const fromEnv = env['PORTCULLIS_SECRET'];
  if (fromEnv) return { kek: kekFromSecret(fromEnv), origin: 'env' };
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return { kek: kekFromSecret(readFileSync(path, 'utf8').trim()), origin: 'file', path };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { kek: kekFromSecret(secret), origin: 'generated', path };
}
