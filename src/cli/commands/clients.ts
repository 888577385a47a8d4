import { clientSchema } from '../../config/schema.ts';
import { OAuthError } from '../../errors/oauth-error.ts';
import { clientRecordFrom } from '../../provisioning/provision.ts';
import { PREFIX, randomSecret } from '../../security/secrets.ts';
import { ConfigError } from '../../config/validate.ts';
import { CliError, parse, table, tenantOf, withRuntime, type Command } from '../command.ts';

/** `--metadata` holds RFC 7591 client metadata as JSON; flags fill the common fields. */
function metadataOf(values: { metadata?: string | undefined; 'redirect-uri'?: string[] | undefined; name?: string | undefined; public?: boolean | undefined }, clientId: string): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (values.metadata !== undefined) {
    try {
      base = JSON.parse(values.metadata) as Record<string, unknown>;
    } catch {
      throw new CliError('--metadata must be a JSON object of client metadata');
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new CliError('--metadata must be a JSON object of client metadata');
  }
  const input: Record<string, unknown> = { ...base, client_id: clientId };
  if (values['redirect-uri']?.length) input['redirect_uris'] = values['redirect-uri'];
  if (values.name) input['client_name'] = values.name;
  if (values.public) input['token_endpoint_auth_method'] = 'none';
  return input;
}

export const clientsCommand: Command = {
  name: 'clients',
  summary: 'List, add or remove clients',
  usage: [
    'portcullis clients list [--tenant SLUG] [--config FILE]',
    'portcullis clients add CLIENT_ID [--redirect-uri URI]... [--name NAME] [--public] [--metadata JSON] [--tenant SLUG]',
    'portcullis clients remove CLIENT_ID [--tenant SLUG]',
    '',
    'add prints a generated client_secret once (confidential clients); only its hash is stored.',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      tenant: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      name: { type: 'string' },
      public: { type: 'boolean' },
      metadata: { type: 'string' },
    });
    const [action, clientId] = positionals;
    if (!['list', 'add', 'remove'].includes(action ?? '')) throw new CliError('expected `clients list|add|remove`');
    if (action !== 'list' && !clientId) throw new CliError(`clients ${action} needs a CLIENT_ID`);
    return withRuntime(values.config, io, async (rt) => {
      const { storage, kek, now } = rt.services;
      const tenant = await tenantOf(rt, values.tenant);
      if (action === 'list') {
        const rows: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await storage.clients.list(tenant.id, { limit: 100, ...(cursor ? { cursor } : {}) });
          for (const c of page.items) rows.push([c.clientId, c.metadata.client_name ?? '', c.metadata.token_endpoint_auth_method, c.source]);
          cursor = page.next;
        } while (cursor);
        for (const line of table([['CLIENT_ID', 'NAME', 'AUTH', 'SOURCE'], ...rows])) io.out(line);
        return 0;
      }
      const id = clientId ?? '';
      if (action === 'remove') {
        if (!(await storage.clients.delete(tenant.id, id))) throw new CliError(`no client ${id}`);
        io.out(`removed client ${id}`);
        return 0;
      }
      if (await storage.clients.get(tenant.id, id)) throw new CliError(`client ${id} already exists`);
      const input = metadataOf(values, id);
      const generated = input['token_endpoint_auth_method'] !== 'none' && input['client_secret'] === undefined;
      if (generated) input['client_secret'] = randomSecret(PREFIX.clientSecret);
      let record;
      try {
        record = clientRecordFrom(clientSchema.parse(input, 'metadata'), tenant.id, kek, now(), 'metadata');
      } catch (err) {
        if (err instanceof ConfigError || err instanceof OAuthError) throw new CliError(`invalid client: ${err.message}`);
        throw err;
      }
      await storage.clients.upsert({ ...record, source: 'admin' });
      io.out(`added client ${id}`);
      if (generated) io.out(`client_secret: ${String(input['client_secret'])}`);
      return 0;
    });
  },
};
