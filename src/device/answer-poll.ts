/**
 * The token endpoint's answer to a poll, shared by the device code grant (RFC 8628 §3.5) and
 * the CIBA grant (OpenID CIBA §11): an error while the user has not approved, the tokens exactly
 * once after they have, issued as in the code flow.
 */
import type { Ctx } from '../context.ts';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { issueForApprovedGrant } from '../grants/issue-tokens.ts';
import type { TokenResponse } from '../grants/types.ts';
import type { ClientRecord, PollableRecord, PollOutcome } from '../storage/types.ts';

/** RFC 8628 §3.5 / CIBA §11: `access_denied` at the token endpoint is a 400, like every §5.2 error. */
class TokenAccessDenied extends AccessDenied {
  override readonly status = 400;
}

export interface PollNames {
  /** The parameter name in error descriptions: `device_code` or `auth_req_id`. */
  what: string;
}

export async function answerPoll<T extends PollableRecord>(ctx: Ctx, client: ClientRecord, params: Params, outcome: PollOutcome<T>, names: PollNames): Promise<TokenResponse> {
  switch (outcome.status) {
    // RFC 8628 §3.5 / CIBA §11: unknown, or issued to another client.
    case 'missing':
      throw new InvalidGrant(`the ${names.what} is invalid`);
    // RFC 8628 §3.5 / CIBA §11: expired_token once the code or request has expired.
    case 'expired':
      throw new ExpiredToken(`the ${names.what} has expired`);
    // RFC 8628 §3.5: polled faster than the interval; the interval grows by 5 seconds.
    case 'slow_down':
      throw new SlowDown(`polling too fast; wait at least ${outcome.record.interval} seconds between requests`);
    // RFC 8628 §3.5 / CIBA §11: the user has not decided yet.
    case 'pending':
      throw new AuthorizationPending('the user has not yet approved the request');
    // RFC 8628 §3.5 / CIBA §11: the user denied the request.
    case 'denied':
      throw new TokenAccessDenied('the user denied the request');
    // Single use: tokens were already issued for it.
    case 'consumed':
      throw new InvalidGrant(`the ${names.what} was already used`);
    // The approved grant's tokens; an unusable grant is invalid_grant.
    case 'issue':
      return issueForApprovedGrant(ctx, client, outcome.record.grantId, params);
  }
}
