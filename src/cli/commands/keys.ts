import { SIGNING_ALGS, isSigningAlg, type SigningAlg } from '../../keys/types.ts';
import { CliError, parse, table, tenantOf, withRuntime, type Command } from '../command.ts';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'List or rotate a tenant\'s signing keys',
  usage: [
    'portcullis keys list   [--tenant SLUG] [--config FILE]',
    'portcullis keys rotate [--tenant SLUG] [--alg ALG]... [--config FILE]',
    '',
    'rotate makes a new key active; the old one stays in the JWKS until lifetimes.retiredKey passes.',
    `ALG is one of ${SIGNING_ALGS.join(', ')} (default: all).`,
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { tenant: { type: 'string' }, alg: { type: 'string', multiple: true } });
    const [action] = positionals;
    if (action !== 'list' && action !== 'rotate') throw new CliError('expected `keys list` or `keys rotate`');
    const algs: SigningAlg[] = [];
    for (const alg of values.alg ?? []) {
      if (!isSigningAlg(alg)) throw new CliError(`unknown algorithm ${alg}; expected one of ${SIGNING_ALGS.join(', ')}`);
      algs.push(alg);
    }
    return withRuntime(values.config, io, async (rt) => {
      const tenant = await tenantOf(rt, values.tenant);
      if (action === 'rotate') {
        const added = await rt.services.keys.rotate(tenant.id, algs.length > 0 ? algs : undefined);
        for (const key of added) io.out(`rotated: ${key.alg} ${key.kid}`);
      }
      const keys = await rt.services.storage.keys.listPublished(tenant.id, rt.services.now());
      const until = (t: number | null) => (t === null ? '' : new Date(t * 1000).toISOString());
      for (const line of table([['KID', 'ALG', 'STATUS', 'PUBLISHED UNTIL'], ...keys.map((k) => [k.kid, k.alg, k.status, until(k.expiresAt)])])) io.out(line);
      return 0;
    });
  },
};
