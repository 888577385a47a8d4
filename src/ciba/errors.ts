/** CIBA initiation errors (OpenID CIBA Core 1.0 §13), in the one OAuthError hierarchy. */
import { OAuthError } from '../errors/oauth-error.ts';

export class UnknownUserId extends OAuthError {
  readonly code = 'unknown_user_id';
}
export class ExpiredLoginHintToken extends OAuthError {
  readonly code = 'expired_login_hint_token';
}
export class MissingUserCode extends OAuthError {
  readonly code = 'missing_user_code';
}
export class InvalidUserCode extends OAuthError {
  readonly code = 'invalid_user_code';
}
export class InvalidBindingMessage extends OAuthError {
  readonly code = 'invalid_binding_message';
}
