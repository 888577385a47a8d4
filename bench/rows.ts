/** The benchmark's rows: which server child runs, with which arguments (bench/servers/). */

export interface ServerSpec {
  id: string;
  server: 'Portcullis' | 'oidc-provider';
  accessToken: 'jwt' | 'opaque';
  /** Where the server keeps codes, grants, sessions and tokens. */
  storage: string;
  /** What sets this row apart from the default, printed after the server's name. */
  variant?: string;
  script: string;
  args: string[];
}

export const SPECS: ServerSpec[] = [
  { id: 'portcullis-jwt', server: 'Portcullis', accessToken: 'jwt', storage: 'SQLite file', script: 'portcullis.ts', args: ['jwt'] },
  { id: 'portcullis-opaque', server: 'Portcullis', accessToken: 'opaque', storage: 'SQLite file', script: 'portcullis.ts', args: ['opaque'] },
  { id: 'portcullis-opaque-memory', server: 'Portcullis', accessToken: 'opaque', storage: 'SQLite in memory', script: 'portcullis.ts', args: ['opaque', 'memory'] },
  { id: 'portcullis-opaque-nice0', server: 'Portcullis', variant: 'helpers at nice 0', accessToken: 'opaque', storage: 'SQLite file', script: 'portcullis.ts', args: ['opaque', 'nice=0'] },
  { id: 'oidc-provider', server: 'oidc-provider', accessToken: 'opaque', storage: 'in memory', script: 'oidc-provider.ts', args: [] },
];
