import type { Ctx } from '../../context.ts';
import { endSession } from '../../logout/end-session.ts';
import { CliError, parse, table, tenantOf, withRuntime, type Command } from '../command.ts';

function when(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

export const sessionsCommand: Command = {
  name: 'sessions',
  summary: "List or end a user's sign-in sessions (ending one sends back-channel logout tokens)",
  usage: [
    'portcullis sessions list USERNAME [--tenant SLUG]',
    'portcullis sessions end USERNAME [--sid SID] [--tenant SLUG]',
    '',
    'end ends every live session of the user, or only --sid. Refresh tokens without offline_access',
    'are revoked, and logout tokens are queued for clients with a backchannel_logout_uri; a',
    'running server delivers them (see `portcullis logout-deliveries list`).',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { tenant: { type: 'string' }, sid: { type: 'string' } });
    const [action, username] = positionals;
    if (action !== 'list' && action !== 'end') throw new CliError('expected `sessions list|end USERNAME`');
    if (!username) throw new CliError(`sessions ${action} needs a USERNAME`);
    return withRuntime(values.config, io, async (rt) => {
      const tenant = await tenantOf(rt, values.tenant);
      const ctx: Ctx = { ...rt.services, tenant };
      const user = await ctx.storage.users.getByUsername(tenant.id, username);
      if (!user) throw new CliError(`no user ${username}`);
      const sessions = await ctx.storage.sessions.listBySub(tenant.id, user.id, ctx.now());
      if (action === 'list') {
        for (const line of table([['SID', 'SIGNED IN', 'EXPIRES', 'AMR', 'CLIENTS'], ...sessions.map((s) => [s.id, when(s.authTime), when(s.expiresAt), s.amr.join(','), s.clients.join(',')])])) io.out(line);
        return 0;
      }
      const targets = values.sid ? sessions.filter((s) => s.id === values.sid) : sessions;
      if (values.sid && targets.length === 0) throw new CliError(`no live session ${values.sid} for ${username}`);
      let ended = 0;
      let notifications = 0;
      for (const s of targets) {
        const result = await endSession(ctx, s, 'cli');
        if (result.ended) {
          ended++;
          notifications += result.backChannel;
        }
      }
      io.out(`ended ${ended} session${ended === 1 ? '' : 's'} of ${username}; ${notifications} back-channel logout token${notifications === 1 ? '' : 's'} queued`);
      return 0;
    });
  },
};
