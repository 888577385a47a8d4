/** Where the device flow lives under a tenant's base path. */
export const DEVICE_AUTHORIZATION_PATH = '/device_authorization';
/** The verification page (RFC 8628 §3.2 `verification_uri`). */
export const DEVICE_VERIFICATION_PATH = '/device';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.2: the default (and initial) polling interval, in seconds. */
export const DEVICE_POLL_INTERVAL = 5;
