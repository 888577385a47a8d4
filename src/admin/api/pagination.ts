/** List query parameters shared by every admin list: `limit`, `cursor`, and filters. */
import { InvalidRequest } from '../../errors/oauth-error.ts';
import type { Page } from '../../storage/types.ts';

export type Query = Record<string, string | string[] | undefined>;

/** A single-valued query parameter; repeated ones are invalid_request. */
export function one(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new InvalidRequest(`parameter ${name} must not be repeated`);
  return value === '' ? undefined : value;
}

export function pageOptions(query: Query): { limit?: number; cursor?: string } {
  const limit = one(query, 'limit');
  const cursor = one(query, 'cursor');
  if (limit !== undefined && (!/^[1-9][0-9]{0,2}$/.test(limit) || Number(limit) > 500)) throw new InvalidRequest('limit must be an integer from 1 to 500');
  return { ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(cursor !== undefined ? { cursor } : {}) };
}

export function integerParam(query: Query, name: string): number | undefined {
  const value = one(query, name);
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw new InvalidRequest(`${name} must be an integer`);
  return Number(value);
}

export interface ListResponse<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export function listResponse<R, T>(page: Page<R>, map: (r: R) => T): ListResponse<T> {
  return { items: page.items.map(map), next_cursor: page.next ?? null };
}

/** The JSON object body of a request; anything else is invalid_request. */
export function objectBody(body: unknown): Record<string, unknown> {
  // Only a parsed JSON object (a form body parses to something else).
  if (body === null || typeof body !== 'object' || Object.getPrototypeOf(body) !== Object.prototype) throw new InvalidRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}
