import { randomUUID } from 'node:crypto';
import { userSchema } from '../../config/schema.ts';
import { ConfigError } from '../../config/validate.ts';
import type { UserClaims } from '../../domain/user.ts';
import { hashPassword } from '../../security/password.ts';
import { CliError, parse, table, tenantOf, withRuntime, type Command } from '../command.ts';

function parseClaims(text: string | undefined): UserClaims {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError('--claims must be a JSON object');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError('--claims must be a JSON object');
  try {
    // The same rules as users in the config file (CONTRACT.md §2).
    const { username: _u, password: _p, sub: _s, disabled: _d, ...claims } = userSchema.parse({ ...value, username: 'x' }, 'claims');
    return claims as UserClaims;
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`invalid --claims: ${err.message}`);
    throw err;
  }
}

/** Passwords come from --password or the PORTCULLIS_PASSWORD environment variable (kept out of shell history). */
function passwordOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const password = flag ?? env['PORTCULLIS_PASSWORD'];
  if (!password) throw new CliError('give the password with --password or PORTCULLIS_PASSWORD');
  return password;
}

export const usersCommand: Command = {
  name: 'users',
  summary: 'List, add, remove users or set a password',
  usage: [
    'portcullis users list [--tenant SLUG] [--config FILE]',
    'portcullis users add USERNAME [--password PW] [--claims JSON] [--tenant SLUG]',
    'portcullis users set-password USERNAME [--password PW] [--tenant SLUG]',
    'portcullis users remove USERNAME [--tenant SLUG]',
    '',
    'Without --password, the password is read from PORTCULLIS_PASSWORD.',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { tenant: { type: 'string' }, password: { type: 'string' }, claims: { type: 'string' } });
    const [action, username] = positionals;
    if (!['list', 'add', 'set-password', 'remove'].includes(action ?? '')) throw new CliError('expected `users list|add|set-password|remove`');
    if (action !== 'list' && !username) throw new CliError(`users ${action} needs a USERNAME`);
    const claims = parseClaims(values.claims);
    return withRuntime(values.config, io, async (rt) => {
      const { storage, now } = rt.services;
      const tenant = await tenantOf(rt, values.tenant);
      if (action === 'list') {
        const rows: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await storage.users.list(tenant.id, { limit: 100, ...(cursor ? { cursor } : {}) });
          for (const u of page.items) rows.push([u.username, u.id, u.disabled ? 'disabled' : '', u.claims.email ?? '']);
          cursor = page.next;
        } while (cursor);
        for (const line of table([['USERNAME', 'SUB', 'STATE', 'EMAIL'], ...rows])) io.out(line);
        return 0;
      }
      const name = username ?? '';
      const existing = await storage.users.getByUsername(tenant.id, name);
      if (action === 'add') {
        if (existing) throw new CliError(`user ${name} already exists`);
        const t = now();
        const id = randomUUID();
        await storage.users.upsert({ tenantId: tenant.id, id, username: name, passwordHash: await hashPassword(passwordOf(values.password, io.env)), claims, disabled: false, createdAt: t, updatedAt: t });
        io.out(`added user ${name} (sub ${id})`);
        return 0;
      }
      if (!existing) throw new CliError(`no user ${name}`);
      if (action === 'set-password') {
        await storage.users.setPassword(tenant.id, existing.id, await hashPassword(passwordOf(values.password, io.env)), now());
        io.out(`password changed for ${name}`);
      } else {
        await storage.users.delete(tenant.id, existing.id);
        io.out(`removed user ${name}`);
      }
      return 0;
    });
  },
};
