/**
 * What a handler receives: the services shared by the whole process, plus the tenant the
 * request addresses. Handlers take this instead of Fastify types, so they test with plain objects.
 */
import type { Config, ResourceConfig } from './config/schema.ts';
import type { KeyService } from './keys/types.ts';
import type { Kek } from './keys/kek.ts';
import type { Storage, TenantRecord } from './storage/types.ts';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface Services {
  config: Config;
  storage: Storage;
  keys: KeyService;
  /** Key-encryption key: encrypts private keys and client_secret_jwt secrets at rest. */
  kek: Kek;
  /** Current time in epoch seconds. Injected so tests can freeze it. */
  now(): number;
  log: Logger;
}

export interface Tenant extends TenantRecord {
  /** This tenant's issuer identifier: `<issuer>` or `<issuer>/t/<slug>`. */
  issuer: string;
  /** Path prefix of the tenant's endpoints: '' or `/t/<slug>`. */
  basePath: string;
  /** Resources (RFC 8707) configured for this tenant. */
  resources: ResourceConfig[];
}

export interface Ctx extends Services {
  tenant: Tenant;
  /** RFC 9449: thumbprint of the key of this request's verified DPoP proof; tokens issued now are bound to it. */
  dpopJkt?: string;
}
