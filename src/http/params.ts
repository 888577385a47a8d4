/**
 * Request parameters from query strings and form bodies, with repeated-parameter rejection
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once").
 */
import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../errors/oauth-error.ts';

/** Parameters a spec allows to repeat: RFC 8707 `resource`, RFC 8693 `audience`. */
const REPEATABLE = new Set(['resource', 'audience']);

export class Params {
  private constructor(private readonly map: Map<string, string[]>) {}

  static fromSearchParams(search: URLSearchParams): Params {
    const map = new Map<string, string[]>();
    for (const [key, value] of search) {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    }
    return new Params(map);
  }

  /** From a raw `application/x-www-form-urlencoded` string or a query string (without `?`). */
  static parse(text: string): Params {
    return Params.fromSearchParams(new URLSearchParams(text));
  }

  static fromRecord(record: Record<string, string | string[] | undefined>): Params {
    const map = new Map<string, string[]>();
    for (const [key, value] of Object.entries(record)) {
      if (value === undefined) continue;
      map.set(key, Array.isArray(value) ? [...value] : [value]);
    }
    return new Params(map);
  }

  static empty(): Params {
    return new Params(new Map());
  }

  /**
   * The single value of `name`; `undefined` when absent or empty (RFC 6749 §3.1: parameters
   * sent without a value are treated as omitted). Repeated → invalid_request.
   */
  get(name: string): string | undefined {
    const values = this.map.get(name);
    if (!values) return undefined;
    if (values.length > 1 && !REPEATABLE.has(name)) {
      throw new InvalidRequest(`parameter ${name} must not be repeated`);
    }
    const value = values[0];
    return value === '' ? undefined : value;
  }

  /** Like get(), but a missing value is invalid_request. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new InvalidRequest(`missing required parameter ${name}`);
    return value;
  }

  /** Every non-empty value of a repeatable parameter (`resource`, `audience`). */
  all(name: string): string[] {
    return (this.map.get(name) ?? []).filter((v) => v !== '');
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Throws invalid_request for the first repeated non-repeatable parameter. */
  assertNoRepeats(): void {
    for (const [key, values] of this.map) {
      if (values.length > 1 && !REPEATABLE.has(key)) throw new InvalidRequest(`parameter ${key} must not be repeated`);
    }
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  /** A plain single-valued record (first values), for re-posting through hidden form fields. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, values] of this.map) if (values[0] !== undefined) out[key] = values[0];
    return out;
  }
}

/**
 * The parameters of an endpoint served by GET and POST (authorization, end-session): the query
 * string of a GET, the form body of a POST (OIDC Core §3.1.2.1).
 */
export function queryOrFormParams(request: FastifyRequest): Params {
  if (request.method === 'POST') return request.body instanceof Params ? request.body : Params.empty();
  const q = request.url.indexOf('?');
  return Params.parse(q === -1 ? '' : request.url.slice(q + 1));
}
