/**
 * A small closed-schema validator: each field is typed, defaulted and documented in one place,
 * and every failure names the key path and the reason (`clients[0].redirect_uris[1]: must be an absolute URI`).
 */

export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '(root)'}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export interface Schema<T> {
  readonly doc: string;
  /** Returns the validated value (defaults applied) or throws ConfigError. */
  parse(value: unknown, path: string): T;
  /** Present when the field may be omitted. */
  readonly fallback?: () => T;
}

type Shape = Record<string, Schema<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: S[K] extends Schema<infer T> ? T : never };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

export const s = {
  string(doc: string, check?: (v: string) => string | undefined): Schema<string> {
    return {
      doc,
      parse(value, path) {
        if (typeof value !== 'string') throw new ConfigError(path, `must be a string, got ${describe(value)}`);
        const problem = check?.(value);
        if (problem) throw new ConfigError(path, problem);
        return value;
      },
    };
  },

  integer(doc: string, min = 0, max = Number.MAX_SAFE_INTEGER): Schema<number> {
    return {
      doc,
      parse(value, path) {
        if (typeof value !== 'number' || !Number.isInteger(value))
          throw new ConfigError(path, `must be an integer, got ${describe(value)}`);
        if (value < min || value > max) throw new ConfigError(path, `must be between ${min} and ${max}`);
        return value;
      },
    };
  },

  boolean(doc: string): Schema<boolean> {
    return {
      doc,
      parse(value, path) {
        if (typeof value !== 'boolean') throw new ConfigError(path, `must be true or false, got ${describe(value)}`);
        return value;
      },
    };
  },

  oneOf<const T extends string>(doc: string, values: readonly T[]): Schema<T> {
    return {
      doc,
      parse(value, path) {
        if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
          throw new ConfigError(path, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`);
        return value as T;
      },
    };
  },

  array<T>(item: Schema<T>, doc = item.doc): Schema<T[]> {
    return {
      doc,
      parse(value, path) {
        if (!Array.isArray(value)) throw new ConfigError(path, `must be an array, got ${describe(value)}`);
        return value.map((v, i) => item.parse(v, join(path, i)));
      },
    };
  },

  /** Any JSON object, checked only for being an object (e.g. a JWKS, validated elsewhere). */
  json<T>(doc: string): Schema<T> {
    return {
      doc,
      parse(value, path) {
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          throw new ConfigError(path, `must be an object, got ${describe(value)}`);
        return value as T;
      },
    };
  },

  /** A closed object: unknown keys are an error. */
  object<S extends Shape>(doc: string, shape: S): Schema<Out<S>> & { shape: S } {
    return {
      doc,
      shape,
      parse(value, path) {
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          throw new ConfigError(path, `must be an object, got ${describe(value)}`);
        const input = value as Record<string, unknown>;
        for (const key of Object.keys(input)) {
          if (!Object.hasOwn(shape, key)) {
            const known = Object.keys(shape).join(', ');
            throw new ConfigError(join(path, key), `unknown key (known keys: ${known})`);
          }
        }
        const out: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(shape)) {
          const v = input[key];
          if (v === undefined) {
            if (!field.fallback) throw new ConfigError(join(path, key), 'is required');
            const d = field.fallback();
            if (d !== undefined) out[key] = d;
          } else {
            out[key] = field.parse(v, join(path, key));
          }
        }
        return out as Out<S>;
      },
    };
  },

  /** Makes a field optional with a default. */
  default<T>(schema: Schema<T>, value: NoInfer<T> | (() => NoInfer<T>)): Schema<T> {
    const fallback = typeof value === 'function' ? (value as () => T) : () => structuredClone(value);
    return { doc: schema.doc, parse: (v, p) => schema.parse(v, p), fallback };
  },

  /** An optional object section whose default is its own defaults (`{}` parsed). */
  section<T>(schema: Schema<T>): Schema<T> {
    return { doc: schema.doc, parse: (v, p) => schema.parse(v, p), fallback: () => schema.parse({}, '') };
  },

  /** Makes a field optional with no default (absent in the output). */
  optional<T>(schema: Schema<T>): Schema<T | undefined> {
    return { doc: schema.doc, parse: (v, p) => schema.parse(v, p), fallback: () => undefined };
  },
};

export function absoluteUri(v: string): string | undefined {
  try {
    new URL(v);
    return undefined;
  } catch {
    return `must be an absolute URI, got ${JSON.stringify(v)}`;
  }
}

export function httpUrl(v: string): string | undefined {
  const problem = absoluteUri(v);
  if (problem) return problem;
  const u = new URL(v);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.hash) return 'must not contain a fragment';
  return undefined;
}
