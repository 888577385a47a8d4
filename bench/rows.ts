/** The benchmark's rows: which server child runs, with which arguments (bench/servers/). */

export interface ServerSpec {
  id: string;
  server: 'Portcullis' | 'oidc-provider';
  accessToken: 'jwt' | 'opaque';
  /** Where the server keeps codes, grants, sessions and tokens. */
  storage: string;
  /** Whether that storage is a file or process memory: each row is compared with the oidc-provider row that stores alike. */
  storedIn: 'file' | 'memory';
  /** What sets this row apart from the default, printed after the server's name. */
  variant?: string;
  script: string;
  args: string[];
}

/** A Portcullis row (bench/servers/portcullis.ts), its arguments derived from what it varies. */
function portcullis(id: string, accessToken: 'jwt' | 'opaque', options: { memory?: boolean; nice?: number } = {}): ServerSpec {
  const { memory = false, nice } = options;
  return {
    id,
    server: 'Portcullis',
    accessToken,
    storage: memory ? 'SQLite in memory' : 'SQLite file',
    storedIn: memory ? 'memory' : 'file',
    ...(nice !== undefined ? { variant: `helpers at nice ${nice}` } : {}),
    script: 'portcullis.ts',
    args: [accessToken, ...(memory ? ['memory'] : []), ...(nice !== undefined ? [`nice=${nice}`] : [])],
  };
}

/** An oidc-provider row (bench/servers/oidc-provider.ts): its development adapter in memory, or the SQLite adapter. */
function oidcProvider(id: string, storedIn: 'file' | 'memory'): ServerSpec {
  return {
    id,
    server: 'oidc-provider',
    accessToken: 'opaque',
    storage: storedIn === 'file' ? 'SQLite file' : 'in memory',
    storedIn,
    script: 'oidc-provider.ts',
    args: storedIn === 'file' ? ['sqlite'] : [],
  };
}

export const SPECS: ServerSpec[] = [
  portcullis('portcullis-jwt', 'jwt'),
  portcullis('portcullis-opaque', 'opaque'),
  portcullis('portcullis-opaque-memory', 'opaque', { memory: true }),
  portcullis('portcullis-opaque-nice0', 'opaque', { nice: 0 }),
  oidcProvider('oidc-provider', 'memory'),
  oidcProvider('oidc-provider-sqlite', 'file'),
];
