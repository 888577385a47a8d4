/**
 * The one OAuth error hierarchy. Throw a subclass; `errors/render.ts` alone turns it into a
 * response. `description` is public (printable ASCII, no `"` or `\`); `detail` is for logs only.
 */

export interface ErrorOptions {
  /** Private detail for logs; never sent to the client. */
  detail?: string;
  /** Extra response headers (e.g. `DPoP-Nonce`). */
  headers?: Record<string, string>;
}

export abstract class OAuthError extends Error {
  /** The RFC error code (`invalid_request`, …). */
  abstract readonly code: string;
  /** HTTP status at back-channel endpoints. */
  readonly status: number = 400;
  /** Whether the authorization endpoint may send this error to a trusted redirect URI. */
  readonly redirectable: boolean = true;
  readonly description: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(description: string, options: ErrorOptions = {}) {
    super(description);
    this.name = new.target.name;
    this.description = sanitizeDescription(description);
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
export function sanitizeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ').slice(0, 500);
}

const define = (code: string, status = 400, redirectable = true) =>
  class extends OAuthError {
    readonly code = code;
    override readonly status = status;
    override readonly redirectable = redirectable;
  };

// RFC 6749 §4.1.2.1 / §5.2
export class InvalidRequest extends define('invalid_request') {}
/** RFC 6749 §5.2: 401; render.ts adds `WWW-Authenticate` when the client used a scheme. */
export class InvalidClient extends define('invalid_client', 401, false) {
  /** The auth scheme the client attempted (`Basic`), echoed in `WWW-Authenticate`. */
  scheme: string | undefined;
}
export class InvalidGrant extends define('invalid_grant') {}
export class UnauthorizedClient extends define('unauthorized_client') {}
export class UnsupportedGrantType extends define('unsupported_grant_type') {}
export class UnsupportedResponseType extends define('unsupported_response_type') {}
export class UnsupportedTokenType extends define('unsupported_token_type') {}
export class InvalidScope extends define('invalid_scope') {}
export class AccessDenied extends define('access_denied', 403) {}
export class ServerError extends define('server_error', 500) {}
export class TemporarilyUnavailable extends define('temporarily_unavailable', 503) {}
// RFC 8707 §2
export class InvalidTarget extends define('invalid_target') {}
// OIDC Core §3.1.2.6
export class InteractionRequired extends define('interaction_required') {}
export class LoginRequired extends define('login_required') {}
export class AccountSelectionRequired extends define('account_selection_required') {}
export class ConsentRequired extends define('consent_required') {}
export class InvalidRequestUri extends define('invalid_request_uri') {}
export class InvalidRequestObject extends define('invalid_request_object') {}
export class RequestNotSupported extends define('request_not_supported') {}
export class RequestUriNotSupported extends define('request_uri_not_supported') {}
export class RegistrationNotSupported extends define('registration_not_supported') {}
// RFC 9449 §5, §8
export class InvalidDpopProof extends define('invalid_dpop_proof') {}
export class UseDpopNonce extends define('use_dpop_nonce') {}
// RFC 8628 §3.5, CIBA §11
export class AuthorizationPending extends define('authorization_pending') {}
export class SlowDown extends define('slow_down') {}
export class ExpiredToken extends define('expired_token') {}
// RFC 7591 §3.2.2
export class InvalidRedirectUri extends define('invalid_redirect_uri') {}
export class InvalidClientMetadata extends define('invalid_client_metadata') {}
export class InvalidSoftwareStatement extends define('invalid_software_statement') {}
export class UnapprovedSoftwareStatement extends define('unapproved_software_statement') {}
// RFC 6750 §3.1 (resource endpoints: UserInfo)
export class InvalidToken extends define('invalid_token', 401, false) {}
/** RFC 6750 §3.1: a request without any credentials gets a challenge with no error code. */
export class MissingToken extends define('invalid_token', 401, false) {}
export class InsufficientScope extends define('insufficient_scope', 403, false) {}

/** Not an OAuth error code: a path or tenant that does not exist. */
export class NotFound extends define('not_found', 404, false) {}
/** Not an OAuth error code: the object already exists (admin API, RFC 9110 §15.5.10). */
export class Conflict extends define('conflict', 409, false) {}
/** RFC 6585 §4: too many requests from one address; sent with `Retry-After`, never redirected. */
export class TooManyRequests extends define('temporarily_unavailable', 429, false) {}
/** Not an OAuth error code: wrong HTTP method (RFC 9126 §2: PAR is POST only). */
export class MethodNotAllowed extends define('method_not_allowed', 405, false) {}
