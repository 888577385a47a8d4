import { randomUUID } from 'node:crypto';
import { CliError, parse, table, withRuntime, type Command } from '../command.ts';
import { slugProblem } from '../../tenancy/slug.ts';

export const tenantsCommand: Command = {
  name: 'tenants',
  summary: 'List or add tenants',
  usage: ['portcullis tenants list [--config FILE]', 'portcullis tenants add SLUG [--name NAME] [--config FILE]'].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { name: { type: 'string' } });
    const [action, slug = ''] = positionals;
    if (action !== 'list' && action !== 'add') throw new CliError('expected `tenants list` or `tenants add SLUG`');
    return withRuntime(values.config, io, async (rt) => {
      const { storage, keys, now } = rt.services;
      if (action === 'add') {
        const problem = slugProblem(slug);
        if (problem) throw new CliError(`SLUG ${problem}`);
        if (await storage.tenants.getBySlug(slug)) throw new CliError(`tenant ${slug} already exists`);
        const record = { id: randomUUID(), slug, name: values.name ?? slug, createdAt: now() };
        await storage.tenants.upsert(record);
        await keys.ensure(record.id);
        io.out(`added tenant ${slug}: ${rt.services.config.issuer}/t/${slug}`);
        return 0;
      }
      const rows = (await storage.tenants.list()).map((t) => [t.slug || '(default)', t.name, t.slug ? `${rt.services.config.issuer}/t/${t.slug}` : rt.services.config.issuer]);
      for (const line of table([['SLUG', 'NAME', 'ISSUER'], ...rows])) io.out(line);
      return 0;
    });
  },
};
