/** Shapes shared by the client authentication modules (re-exported from `index.ts`). */
import type { TokenEndpointAuthMethod } from '../../domain/client.ts';
import type { ClientRecord } from '../../storage/types.ts';
import type { Params } from '../params.ts';

export interface ClientAuthInput {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** Form body parameters. */
  params: Params;
  /** Absolute URL of the endpoint being called (token, introspection, revocation, PAR, …); a valid assertion `aud`. */
  endpointUrl: string;
}

export interface AuthenticatedClient {
  client: ClientRecord;
  method: TokenEndpointAuthMethod;
}

export interface ClientAuthOptions {
  /** `false` refuses public clients (`none`) at this endpoint. Default: allowed. */
  allowPublic?: boolean;
}
