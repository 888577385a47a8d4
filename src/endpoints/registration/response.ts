/** The RFC 7591 §3.2.1 client information response (also RFC 7592 §3). */
import type { Ctx } from '../../context.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { endpointUrl } from '../discovery/handler.ts';

export interface IssuedCredentials {
  /** A newly issued secret; it is only ever shown in this one response. */
  clientSecret?: string;
  /** A newly issued registration access token. */
  registrationAccessToken?: string;
}

function registrationClientUri(ctx: Ctx, clientId: string): string {
  return endpointUrl(ctx, `/register/${encodeURIComponent(clientId)}`);
}

export function clientInformation(ctx: Ctx, record: ClientRecord, issued: IssuedCredentials = {}): Record<string, unknown> {
  const hasSecret = record.secretHash !== null;
  return {
    ...record.metadata,
    client_id: record.clientId,
    ...(issued.clientSecret !== undefined ? { client_secret: issued.clientSecret } : {}),
    client_id_issued_at: record.createdAt,
    // RFC 7591 §3.2.1: REQUIRED when a secret exists; 0 means it does not expire.
    ...(hasSecret ? { client_secret_expires_at: 0 } : {}),
    ...(issued.registrationAccessToken !== undefined ? { registration_access_token: issued.registrationAccessToken } : {}),
    registration_client_uri: registrationClientUri(ctx, record.clientId),
  };
}
