/**
 * The only place errors become responses. Back-channel endpoints get JSON; resource endpoints
 * (UserInfo) get RFC 6750 challenges; pages get HTML; the authorization endpoint redirects
 * (see endpoints/authorize) only through `authorizationErrorParams` here.
 */
import type { FastifyReply } from 'fastify';
import { InsufficientScope, InvalidClient, InvalidRequest, InvalidToken, MethodNotAllowed, MissingToken, NotFound, OAuthError, ServerError } from './oauth-error.ts';

export type ErrorStyle = 'json' | 'bearer' | 'html';

/** Maps anything thrown to an OAuthError; unknown errors become server_error with nothing exposed. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new InvalidRequest('request body too large', { detail: code });
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new InvalidRequest('unsupported content type', { detail: code });
  if (code === 'FST_ERR_NOT_FOUND' || status === 404) return new NotFound('not found');
  if (status === 405) return new MethodNotAllowed('method not allowed');
  if (status >= 400 && status < 500) {
    return new InvalidRequest('malformed request', { detail: `${code} ${String(e.message ?? '')}` });
  }
  return new ServerError('internal server error', { detail: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/** The RFC 6749 §5.2 / RFC 7009 §2.2.1 / RFC 7662 §2.3 JSON error body. */
export function errorBody(err: OAuthError): { error: string; error_description?: string } {
  return err.description ? { error: err.code, error_description: err.description } : { error: err.code };
}

/** Status for a JSON rendering. RFC 9207-free codes (`not_found`) keep their own status. */
function statusOf(err: OAuthError, style: ErrorStyle): number {
  if (err.status === 413) return 413;
  // Body-size errors from the parser are reported as 413 as well.
  if (err instanceof InvalidRequest && err.detail === 'FST_ERR_CTP_BODY_TOO_LARGE') return 413;
  if (style === 'bearer' && err.code === 'invalid_request') return 400;
  return err.status;
}

/** WWW-Authenticate for RFC 6750 §3 / RFC 9449 §7.1 challenges; `error_description` only when there is one. */
export function bearerChallenge(scheme: 'Bearer' | 'DPoP', realm: string, err?: { code: string; description: string }): string {
  const parts = [`realm=${quote(realm)}`];
  if (err) {
    parts.push(`error=${quote(err.code)}`);
    if (err.description) parts.push(`error_description=${quote(err.description)}`);
  }
  return `${scheme} ${parts.join(', ')}`;
}

export interface RenderOptions {
  style: ErrorStyle;
  /** Realm for Bearer challenges (the tenant issuer). */
  realm?: string;
  /** HTML renderer for `style: 'html'`. */
  page?: (status: number, err: OAuthError) => string;
}

/** Sends `err` in the requested style. Always `Cache-Control: no-store`. */
export function sendError(reply: FastifyReply, err: OAuthError, options: RenderOptions): FastifyReply {
  const status = statusOf(err, options.style);
  reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache');
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);

  if (options.style === 'html') {
    const body = options.page ? options.page(status, err) : `<!doctype html><title>Error</title><h1>${err.code}</h1>`;
    return reply.type('text/html; charset=utf-8').send(body);
  }
  // RFC 6749 §5.2: a client that tried HTTP authentication gets a matching challenge.
  if (err instanceof InvalidClient && err.scheme) {
    reply.header('www-authenticate', `${err.scheme} realm=${quote(options.realm ?? 'portcullis')}`);
  }
  // RFC 6750 §3: resource endpoints challenge with the error in WWW-Authenticate.
  if (options.style === 'bearer' && (err instanceof InvalidToken || err instanceof MissingToken || err instanceof InsufficientScope || err instanceof InvalidRequest)) {
    const challenge = bearerChallenge('Bearer', options.realm ?? 'portcullis', err instanceof MissingToken ? undefined : err);
    if (!reply.hasHeader('www-authenticate')) reply.header('www-authenticate', challenge);
    if (err instanceof MissingToken) return reply.send();
  }
  return reply.type('application/json; charset=utf-8').send(errorBody(err));
}
