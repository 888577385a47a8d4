/**
 * Request objects by reference (RFC 9101 §5.2, §6.2): fetched from a `request_uri` the client
 * registered, with a timeout and a size cap, never following redirects.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequestUri } from '../errors/oauth-error.ts';
import { readCappedText, ResponseTooLarge } from '../security/bounded-fetch.ts';
import type { ClientRecord } from '../storage/types.ts';

export const REQUEST_URI_TIMEOUT_MS = 5000;
export const REQUEST_URI_MAX_BYTES = 64 * 1024;

/**
 * Whether `uri` may be fetched for `client`: it must be registered in `request_uris` (RFC 9101
 * §10.4.1: no arbitrary URLs, which would make the server a request forwarder) and use https —
 * plain http only while the issuer itself is plain http (a development deployment).
 */
export function checkRequestUri(ctx: Ctx, client: ClientRecord, uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidRequestUri('request_uri is not an absolute URL');
  }
  const devIssuer = ctx.tenant.issuer.startsWith('http:');
  if (url.protocol !== 'https:' && !(devIssuer && url.protocol === 'http:')) throw new InvalidRequestUri('request_uri must use https');
  // OIDC Registration §2: request_uris are matched without their fragment.
  const bare = (u: string) => u.split('#')[0];
  if (!(client.metadata.request_uris ?? []).some((r) => bare(r) === bare(uri))) throw new InvalidRequestUri('request_uri is not registered for this client');
  return url;
}

/** Fetches the request object behind `url`; InvalidRequestUri for any failure. */
export async function fetchRequestObject(url: URL): Promise<string> {
  let res: Response;
  try {
    url.hash = '';
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(REQUEST_URI_TIMEOUT_MS), headers: { accept: 'application/oauth-authz-req+jwt, application/jwt' } });
  } catch (error) {
    throw new InvalidRequestUri('the request_uri could not be fetched', { detail: error instanceof Error ? error.message : String(error) });
  }
  if (res.status !== 200) throw new InvalidRequestUri('the request_uri did not answer 200', { detail: String(res.status) });
  try {
    return (await readCappedText(res, REQUEST_URI_MAX_BYTES)).trim();
  } catch (error) {
    if (error instanceof ResponseTooLarge) throw new InvalidRequestUri('the request object is too large');
    throw new InvalidRequestUri('the request_uri could not be read', { detail: error instanceof Error ? error.message : String(error) });
  }
}
