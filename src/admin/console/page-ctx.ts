/** What a console page handler receives, and what it returns. */
import type { FastifyRequest } from 'fastify';
import { Params } from '../../http/params.ts';
import type { AdminCtx } from '../context.ts';
import type { Query } from '../api/pagination.ts';
import type { Frame } from './layout.ts';

export interface PageCtx {
  actx: AdminCtx;
  frame: Frame;
  params: Record<string, string>;
  query: Query;
  /** The submitted form (POST), already CSRF-checked; empty for GET. */
  form: Params;
}

/** A rendered page, or a redirect after a successful POST (303, RFC 9110 §15.4.4). */
export type PageResult = { html: string; status?: number } | { redirect: string };

export type PageHandler = (c: PageCtx) => Promise<PageResult>;

export function formOf(request: FastifyRequest): Params {
  return request.body instanceof Params ? request.body : Params.empty();
}

/** A query-string value, if single and non-empty. */
export function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Redirect target with a "done" notice. */
export function done(path: string): PageResult {
  return { redirect: `${path}${path.includes('?') ? '&' : '?'}notice=done` };
}

/** Lines of a textarea, trimmed, empty ones dropped. */
export function lines(text: string | undefined): string[] {
  return (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** Words of a space-separated field. */
export function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}
