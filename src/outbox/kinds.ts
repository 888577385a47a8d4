/**
 * Kinds of outbox delivery that need work at send time, one line each. A kind without an
 * entry is POSTed exactly as stored (headers and body). A preparer runs before every
 * attempt, e.g. to sign a token with a fresh `iat`/`exp`.
 */
import { CIBA_PING_KIND, CIBA_PUSH_KIND, CIBA_USER_NOTIFICATION_KIND } from '../ciba/paths.ts';
import type { Services } from '../context.ts';
import { BACKCHANNEL_LOGOUT_KIND, prepareLogoutToken } from '../logout/logout-token.ts';
import type { OutboxDelivery } from '../storage/types.ts';
import { openSealedRequest } from './sealed.ts';

export interface PreparedRequest {
  headers: Record<string, string>;
  body: string;
}

export type Preparer = (delivery: OutboxDelivery, services: Services) => Promise<PreparedRequest>;

export const OUTBOX_PREPARERS: Readonly<Record<string, Preparer>> = {
  [BACKCHANNEL_LOGOUT_KIND]: prepareLogoutToken,
  [CIBA_PING_KIND]: openSealedRequest,
  [CIBA_PUSH_KIND]: openSealedRequest,
  [CIBA_USER_NOTIFICATION_KIND]: openSealedRequest,
};
