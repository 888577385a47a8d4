/**
 * First start: an administration client (client credentials, `portcullis:admin`) and an
 * administrator user are created in the default tenant, and their credentials are returned
 * once for the operator to note (main.ts prints them). The admin console's own public client
 * is kept in line with the issuer at every start.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { clientSchema } from '../config/schema.ts';
import type { Services } from '../context.ts';
import { validateClientMetadata } from '../domain/client-validation.ts';
import { DEFAULT_TENANT_ID } from '../tenancy/slug.ts';
import { hashPassword } from '../security/password.ts';
import { hashSecret, PREFIX, randomSecret } from '../security/secrets.ts';
import { ADMIN_SCOPE } from './scopes.ts';

export const ADMIN_CLIENT_ID = 'portcullis-admin';
export const CONSOLE_CLIENT_ID = 'portcullis-console';
export const CONSOLE_CALLBACK = '/admin/callback';
const BOOTSTRAP_KEY = 'admin.bootstrap';

export interface AdminCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  tokenEndpoint: string;
  consoleUrl: string;
}

async function ensureConsoleClient(services: Services): Promise<void> {
  const { storage, config, now } = services;
  const existing = await storage.clients.get(DEFAULT_TENANT_ID, CONSOLE_CLIENT_ID);
  if (existing && existing.source !== 'admin') return;
  const metadata = validateClientMetadata(
    clientSchema.parse({
      client_id: CONSOLE_CLIENT_ID,
      client_name: 'Portcullis admin console',
      redirect_uris: [`${config.issuer}${CONSOLE_CALLBACK}`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: `openid profile ${ADMIN_SCOPE}`,
      skip_consent: true,
    }, 'admin console'),
    { source: 'config' },
  );
  const at = now();
  await storage.clients.upsert({
    tenantId: DEFAULT_TENANT_ID,
    clientId: CONSOLE_CLIENT_ID,
    secretHash: null,
    secretEncrypted: null,
    metadata,
    source: 'admin',
    registrationTokenHash: null,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  });
}

/** Returns the new credentials on the very first start, undefined afterwards. */
export async function bootstrapAdmin(services: Services): Promise<AdminCredentials | undefined> {
  const { storage, config, now } = services;
  await ensureConsoleClient(services);
  // One atomic insert decides which process (or start) bootstraps.
  if (!(await storage.admin.claimSetting(BOOTSTRAP_KEY, String(now()), now()))) return undefined;

  const clientSecret = randomSecret(PREFIX.clientSecret);
  const at = now();
  const metadata = validateClientMetadata(
    clientSchema.parse({
      client_id: ADMIN_CLIENT_ID,
      client_name: 'Portcullis administration',
      client_secret: clientSecret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: ADMIN_SCOPE,
    }, 'admin client'),
    { source: 'config' },
  );
  await storage.clients.upsert({
    tenantId: DEFAULT_TENANT_ID,
    clientId: ADMIN_CLIENT_ID,
    secretHash: hashSecret(clientSecret),
    secretEncrypted: null,
    metadata,
    source: 'admin',
    registrationTokenHash: null,
    createdAt: at,
    updatedAt: at,
  });

  const username = (await storage.users.getByUsername(DEFAULT_TENANT_ID, 'admin')) ? `admin-${randomBytes(3).toString('hex')}` : 'admin';
  const password = randomBytes(15).toString('base64url');
  const sub = randomUUID();
  await storage.users.upsert({
    tenantId: DEFAULT_TENANT_ID,
    id: sub,
    username,
    passwordHash: await hashPassword(password),
    claims: { name: 'Administrator' },
    disabled: false,
    createdAt: at,
    updatedAt: at,
  });
  await storage.admin.addAdmin(DEFAULT_TENANT_ID, sub, at);
  return { clientId: ADMIN_CLIENT_ID, clientSecret, username, password, tokenEndpoint: `${config.issuer}/token`, consoleUrl: `${config.issuer}/admin` };
}

/** The one-time notice with the bootstrap credentials (written to stdout, never to the log). */
export function credentialsNotice(c: AdminCredentials): string {
  return [
    '',
    'Portcullis created its first administrator. These credentials are shown only this once:',
    `  admin API client  client_id=${c.clientId}  client_secret=${c.clientSecret}`,
    `                    (client_credentials at ${c.tokenEndpoint}, scope ${ADMIN_SCOPE})`,
    `  admin console     ${c.consoleUrl}  username=${c.username}  password=${c.password}`,
    '',
  ].join('\n');
}
