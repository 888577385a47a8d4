/** What a console page handler receives, and what it returns. */
import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../../errors/oauth-error.ts';
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
function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The single, non-empty ones of `names` (filters and `cursor`), for the API call and the pager. */
export function filters(query: Query, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = q(query, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** A form field holding JSON; invalid JSON is invalid_request naming `what`. */
export function jsonField(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest(`the ${what} is not valid JSON`);
  }
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
