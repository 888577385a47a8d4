/**
 * Decides which authentication method a request uses, from what it presents: a Basic header,
 * a `client_secret`, a `client_assertion`, or a bare `client_id`. More than one is refused.
 */
import { InvalidClient, InvalidRequest } from '../../errors/oauth-error.ts';
import { type BasicCredentials, parseBasic } from './basic.ts';
import { authFailed } from './common.ts';
import type { ClientAuthInput } from './types.ts';

/** RFC 7523 §2.2: the client assertion type of a JWT bearer client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type Presented =
  | { kind: 'basic'; credentials: BasicCredentials }
  | { kind: 'post'; clientId: string; secret: string }
  /** client_secret_jwt or private_key_jwt: which one depends on the assertion's alg and the client. */
  | { kind: 'jwt'; assertion: string; clientId: string | undefined }
  | { kind: 'none'; clientId: string };

/** What the request presents. Throws InvalidRequest / InvalidClient for malformed or mixed credentials. */
export function detectMethod(input: ClientAuthInput): Presented {
  const { params } = input;
  const basic = parseBasic(input.authorization);
  const clientId = params.get('client_id');
  const secret = params.get('client_secret');
  const assertion = params.get('client_assertion');
  const assertionType = params.get('client_assertion_type');

  const used: string[] = [];
  if (basic) used.push('HTTP Basic');
  if (secret !== undefined) used.push('client_secret');
  if (assertion !== undefined || assertionType !== undefined) used.push('client_assertion');
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
  if (used.length > 1) throw new InvalidRequest(`only one client authentication method may be used, got ${used.join(' and ')}`);

  if (basic) {
    // RFC 6749 §2.3.1: a client_id body parameter next to Basic must name the same client.
    if (clientId !== undefined && clientId !== basic.clientId) {
      throw new InvalidRequest('client_id does not match the client authenticated by HTTP Basic');
    }
    return { kind: 'basic', credentials: basic };
  }

  if (secret !== undefined) {
    // RFC 6749 §2.3.1: client_secret_post sends client_id with client_secret.
    if (clientId === undefined) throw authFailed('client_secret without client_id');
    return { kind: 'post', clientId, secret };
  }

  if (assertion !== undefined || assertionType !== undefined) {
    // RFC 7521 §4.2: client_assertion_type and client_assertion are both REQUIRED.
    if (assertionType === undefined) throw new InvalidRequest('missing required parameter client_assertion_type');
    if (assertion === undefined) throw new InvalidRequest('missing required parameter client_assertion');
    // RFC 6749 §5.2: an unsupported authentication method is invalid_client.
    if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
      throw authFailed(`client_assertion_type ${assertionType}`, undefined, 'unsupported client_assertion_type');
    }
    return { kind: 'jwt', assertion, clientId };
  }

  if (clientId !== undefined) return { kind: 'none', clientId };
  // RFC 6749 §5.2: no client authentication included is invalid_client.
  throw new InvalidClient('client authentication required', { detail: 'no client credentials in the request' });
}
