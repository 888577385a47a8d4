/** The one shape every grant type has (CONVENTIONS.md §1: a new grant is one file plus a registry line). */
import type { Ctx } from '../context.ts';
import type { GrantType } from '../domain/client.ts';
import type { Params } from '../http/params.ts';
import type { ClientRecord } from '../storage/types.ts';

/** RFC 6749 §5.1 (and RFC 8693 §2.2.1 for `issued_token_type`). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  issued_token_type?: string;
}

export interface GrantInput {
  ctx: Ctx;
  /** The authenticated (or, for public clients, identified) client. */
  client: ClientRecord;
  params: Params;
  /** Caller's address, for login throttling. */
  ip: string;
}

export interface Grant {
  type: GrantType;
  /** When false the grant type is reported as unsupported (RFC 6749 §5.2 `unsupported_grant_type`). */
  enabled?: (ctx: Ctx) => boolean;
  /** Public clients may not use this grant (RFC 6749 §4.4: client credentials). */
  confidentialOnly?: boolean;
  handle(input: GrantInput): Promise<TokenResponse>;
}
