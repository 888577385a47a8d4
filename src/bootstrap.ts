/**
 * Opens everything a Portcullis process needs, in order: key-encryption key → storage →
 * migrations → provisioning → signing keys. Shared by `serve`, the CLI and the tests.
 */
import { pino, type Logger as Pino } from 'pino';
import type { Config } from './config/schema.ts';
import type { Services } from './context.ts';
import { loadKek } from './keys/kek.ts';
import { createKeyService } from './keys/key-service.ts';
import { provision } from './provisioning/provision.ts';
import { bootstrapAdmin, type AdminCredentials } from './admin/bootstrap.ts';
import { openStorage } from './storage/open.ts';
import { withReadCache } from './storage/read-cache.ts';
import { withRedis } from './storage/redis/index.ts';
import { createTenantRegistry, type TenantRegistry } from './tenancy/registry.ts';

export interface Runtime {
  services: Services;
  tenants: TenantRegistry;
  logger: Pino;
  /** Set on the very first start only: the bootstrap administrator's credentials, to be shown once. */
  adminCredentials?: AdminCredentials;
  close(): Promise<void>;
}

export interface BootstrapOptions {
  env?: NodeJS.ProcessEnv;
  /** Epoch seconds; defaults to the wall clock. */
  now?: () => number;
  /** Run declarative provisioning and key generation (serve: yes; most CLI commands: no). */
  provision?: boolean;
  logger?: Pino;
}

const wallClock = () => Math.floor(Date.now() / 1000);

export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: null });
  const now = options.now ?? wallClock;
  const secret = loadKek(config.dataDir, options.env ?? process.env);
  if (secret.origin === 'generated') {
    logger.warn({ path: secret.path }, 'PORTCULLIS_SECRET is not set: generated a key-encryption key; back this file up, keys encrypted with it are lost without it');
  }
  const database = withReadCache(await openStorage(config.database), config.lifetimes.readCache * 1000);
  // With Redis configured, replay caches live there (shared by every instance).
  const storage = config.redis ? (await withRedis(database, config.redis, config.redisKeyPrefix)).storage : database;
  try {
    // Kysely's migrator locks only once its own tables exist, and on PostgreSQL two instances
    // creating those at the same moment can fail: instances starting together migrate in turn.
    const applied = (await storage.exclusive('migrate', () => storage.migrate(), { wait: true })) ?? [];
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const keys = createKeyService({ repo: storage.keys, kek: secret.kek, now, retiredKeyLifetime: config.lifetimes.retiredKey });
    const services: Services = { config, storage, keys, kek: secret.kek, now, log: logger };
    let adminCredentials: AdminCredentials | undefined;
    if (options.provision !== false) {
      const prepare = async () => {
        const tenants = await provision(config, { storage, kek: secret.kek, now });
        for (const tenant of await storage.tenants.list()) await keys.ensure(tenant.id);
        logger.debug({ tenants: tenants.map((t) => t.slug || '(default)') }, 'provisioned');
        return bootstrapAdmin(services);
      };
      // Instances starting together on an empty database take turns: the first creates the
      // tenants, clients, first keys and administrator; the next finds them there.
      adminCredentials = await storage.exclusive('provision', prepare, { wait: true });
    }
    return { services, tenants: createTenantRegistry(config, storage), logger, ...(adminCredentials ? { adminCredentials } : {}), close: () => storage.close() };
  } catch (err) {
    await storage.close();
    throw err;
  }
}
