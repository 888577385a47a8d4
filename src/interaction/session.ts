/** The browser's single sign-on session: a random cookie, stored only as its hash. */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { hashSecret, PREFIX, randomSecret } from '../security/secrets.ts';
import type { SessionRecord } from '../storage/types.ts';
import { readCookie, writeCookie } from './cookies.ts';

/** The live session of this browser in this tenant, if any. */
export async function currentSession(ctx: Ctx, request: FastifyRequest): Promise<SessionRecord | undefined> {
  const cookie = readCookie(ctx, request, 'session');
  if (!cookie) return undefined;
  return ctx.storage.sessions.findByCookie(ctx.tenant.id, hashSecret(cookie), ctx.now());
}

export interface NewSession {
  sub: string;
  amr: string[];
  acr: string | null;
}

/** Starts a new session (a fresh id and cookie on every sign-in, against session fixation). */
export async function startSession(ctx: Ctx, reply: FastifyReply, input: NewSession): Promise<SessionRecord> {
  const cookie = randomSecret(PREFIX.session);
  const now = ctx.now();
  const session: SessionRecord = {
    tenantId: ctx.tenant.id,
    id: randomUUID(),
    cookieHash: hashSecret(cookie),
    sub: input.sub,
    authTime: now,
    acr: input.acr,
    amr: input.amr,
    createdAt: now,
    expiresAt: now + ctx.config.lifetimes.session,
    endedAt: null,
    clients: [],
  };
  await ctx.storage.sessions.insert(session);
  writeCookie(ctx, reply, 'session', cookie);
  return session;
}
