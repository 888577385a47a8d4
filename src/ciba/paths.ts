/** Where CIBA lives under a tenant's base path, and its wire constants. */
export const BACKCHANNEL_AUTHENTICATION_PATH = '/backchannel_authentication';
/** The approval page the user notification links to (CONTRACT.md §4 `approval_uri`). */
export const CIBA_APPROVAL_PATH = '/ciba/approve';
/** The signed-in user's pending requests, for deployments without a notification webhook. */
export const CIBA_REQUESTS_PATH = '/ciba/requests';
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
/** CIBA §7.3: the polling interval; 5 s is also the client's default without one. */
export const CIBA_POLL_INTERVAL = 5;
/** Readable prefixes for the two bearer secrets a CIBA request creates. */
export const AUTH_REQ_ID_PREFIX = 'pc_ar_';
export const APPROVAL_PREFIX = 'pc_ap_';
/** Outbox kinds (src/outbox). */
export const CIBA_USER_NOTIFICATION_KIND = 'ciba_user_notification';
export const CIBA_PING_KIND = 'ciba_ping';
export const CIBA_PUSH_KIND = 'ciba_push';
/** The outbox delivery unit (circuit breaker) of the operator's notification webhook. */
export const CIBA_WEBHOOK_CLIENT = 'portcullis:ciba-webhook';
/** CIBA §10.3.1: ID token claims of push-mode tokens. */
export const AUTH_REQ_ID_CLAIM = 'urn:openid:params:jwt:claim:auth_req_id';
export const RT_HASH_CLAIM = 'urn:openid:params:jwt:claim:rt_hash';
