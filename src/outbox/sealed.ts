/**
 * Deliveries whose headers or body carry secrets (a client's bearer notification token, pushed
 * access and refresh tokens, a user's approval ticket) are stored sealed: the row holds only
 * an AES-256-GCM ciphertext of the request under the key-encryption key, and its kind's
 * preparer (kinds.ts) opens it before each attempt. The database never holds these in clear.
 */
import type { Kek } from '../keys/kek.ts';
import type { Notification } from './index.ts';
import type { PreparedRequest, Preparer } from './kinds.ts';

/** `notification` with its headers and body replaced by one ciphertext of both. */
export function sealRequest(kek: Kek, notification: Notification): Notification {
  const request: PreparedRequest = { headers: notification.headers ?? {}, body: notification.body };
  return { ...notification, headers: {}, body: kek.encrypt(JSON.stringify(request)) };
}

function isRequest(value: unknown): value is PreparedRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { headers, body } = value as Record<string, unknown>;
  return typeof body === 'string' && typeof headers === 'object' && headers !== null && Object.values(headers).every((v) => typeof v === 'string');
}

/**
 * The preparer of sealed kinds: the stored request, decrypted. A row stored before sealing (a
 * JSON body) is sent as stored. Throws (the attempt fails and is retried, then the row fails)
 * when the ciphertext is not this server's, e.g. after a KEK change.
 */
export const openSealedRequest: Preparer = (delivery, services) => {
  if (delivery.body.startsWith('{')) return Promise.resolve({ headers: delivery.headers, body: delivery.body });
  const opened: unknown = JSON.parse(services.kek.decrypt(delivery.body));
  if (!isRequest(opened)) return Promise.reject(new Error('sealed outbox request is malformed'));
  return Promise.resolve(opened);
};
