/**
 * oidc-provider ships no type declarations (and @types/oidc-provider is not a dependency):
 * just the part of its API that bench/servers/oidc-provider.ts uses, for oidc-provider 9.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AccountClaims = { sub: string } & Record<string, unknown>;

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): AccountClaims | Promise<AccountClaims>;
  }

  export interface Grant {
    readonly jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface Session {
    accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly client: { readonly clientId: string };
    readonly session: Session;
    readonly result?: { consent?: { grantId?: string } };
  }

  export interface KoaContextWithOIDC {
    readonly oidc: OIDCContext;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
  }

  export interface ResourceServer {
    scope: string;
    audience?: string;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg: string } };
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    scopes?: string[];
    claims?: Record<string, string[]>;
    cookies?: { keys?: string[] };
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      introspection?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (ctx: KoaContextWithOIDC) => string | undefined;
        useGrantedResource?: () => boolean;
        getResourceServerInfo?: (ctx: KoaContextWithOIDC, resource: string, client: unknown) => ResourceServer;
      };
    };
    jwks?: { keys: Array<Record<string, unknown>> };
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: unknown) => boolean };
    findAccount?: (ctx: KoaContextWithOIDC, id: string) => Promise<Account | undefined>;
    loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
    /** A class with one instance per model name (Session, Grant, AccessToken, …). */
    adapter?: new (model: string) => object;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly Grant: GrantConstructor;
    /** The Koa request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: 'server_error', listener: (ctx: unknown, err: Error) => void): this;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };

  export default Provider;
}
