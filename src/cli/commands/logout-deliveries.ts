import { BACKCHANNEL_LOGOUT_KIND } from '../../logout/logout-token.ts';
import type { OutboxDelivery, OutboxStatus } from '../../storage/types.ts';
import { CliError, parse, table, tenantOf, withRuntime, type Command } from '../command.ts';

const STATUSES = ['pending', 'failed', 'delivered'] as const;

function when(ms: number | null): string {
  return ms === null || ms === 0 ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function row(d: OutboxDelivery): string[] {
  const next = d.status === 'pending' ? when(d.nextAttemptAtMs === 0 ? null : d.nextAttemptAtMs) : when(d.status === 'delivered' ? d.deliveredAtMs : d.lastAttemptAtMs);
  return [d.id, d.clientId, d.kind, d.status, `${d.attempts}/${d.maxAttempts}`, next, d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '')];
}

export const logoutDeliveriesCommand: Command = {
  name: 'logout-deliveries',
  summary: 'Show back-channel logout deliveries (pending, failed, delivered) or retry a failed one',
  usage: [
    'portcullis logout-deliveries list [--status pending|failed|delivered|all] [--limit N] [--any-kind] [--tenant SLUG]',
    'portcullis logout-deliveries retry ID [--tenant SLUG]',
    '',
    'list prints the counts per status, then the most recent deliveries (pending and failed by default).',
    '--any-kind includes every outbox delivery (e.g. CIBA notifications), not only logout tokens.',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { tenant: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, 'any-kind': { type: 'boolean' } });
    const [action, id] = positionals;
    if (action !== 'list' && action !== 'retry') throw new CliError('expected `logout-deliveries list|retry`');
    const status = values.status ?? 'open';
    if (!['open', 'all', ...STATUSES].includes(status)) throw new CliError('--status must be pending, failed, delivered or all');
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit must be an integer from 1 to 1000');
    if (action === 'retry' && !id) throw new CliError('logout-deliveries retry needs an ID');
    return withRuntime(values.config, io, async (rt) => {
      const outbox = rt.services.storage.outbox;
      const tenant = await tenantOf(rt, values.tenant);
      if (action === 'retry') {
        if (!(await outbox.retry(tenant.id, id ?? ''))) throw new CliError(`no failed delivery ${id} in tenant ${tenant.slug}`);
        io.out(`delivery ${id} is pending again; a running server sends it at its next poll`);
        return 0;
      }
      const filter = { tenantId: tenant.id, ...(values['any-kind'] ? {} : { kind: BACKCHANNEL_LOGOUT_KIND }) };
      const counts = await outbox.counts(filter);
      io.out(`pending ${counts.pending}  failed ${counts.failed}  delivered ${counts.delivered}`);
      const wanted: OutboxStatus[] = status === 'all' ? [...STATUSES] : status === 'open' ? ['pending', 'failed'] : [status as OutboxStatus];
      const rows: OutboxDelivery[] = [];
      for (const s of wanted) rows.push(...(await outbox.list({ ...filter, status: s, limit })));
      rows.sort((a, b) => b.createdAt - a.createdAt);
      if (rows.length > 0) {
        for (const line of table([['ID', 'CLIENT', 'KIND', 'STATUS', 'ATTEMPTS', 'NEXT/LAST', 'LAST ERROR'], ...rows.slice(0, limit).map(row)])) io.out(line);
      }
      const now = Date.now();
      const open = (await outbox.breakers(tenant.id)).filter((b) => b.openUntilMs > now);
      for (const b of open) io.out(`circuit open for client ${b.clientId} until ${when(b.openUntilMs)} (${b.failures} consecutive failures)`);
      return 0;
    }, { provision: false });
  },
};
