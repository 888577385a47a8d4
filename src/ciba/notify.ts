/**
 * The notifications of a CIBA request, all sent through the durable outbox (src/outbox):
 * the user notification to the operator's webhook (CONTRACT.md §4), and the client
 * notifications of ping mode (CIBA §10.2) and push mode (CIBA §10.3, §12).
 */
import type { Ctx } from '../context.ts';
import { outboxRow } from '../outbox/index.ts';
import { sealRequest } from '../outbox/sealed.ts';
import type { CibaRequestRecord, ClientRecord, OutboxInsert, UserRecord } from '../storage/types.ts';
import { CIBA_APPROVAL_PATH, CIBA_PING_KIND, CIBA_PUSH_KIND, CIBA_USER_NOTIFICATION_KIND, CIBA_WEBHOOK_CLIENT } from './paths.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** What a ping or push notification needs and storage keeps only encrypted. */
export interface NotificationSecret {
  authReqId: string;
  /** The client's `client_notification_token` (CIBA §7.1), sent back as a bearer token (§10.2). */
  token: string;
}

export function sealNotification(ctx: Ctx, secret: NotificationSecret): string {
  return ctx.kek.encrypt(JSON.stringify(secret));
}

/** The stored secret of a ping or push request; undefined for poll mode or an unreadable value. */
export function openNotification(ctx: Ctx, record: CibaRequestRecord): NotificationSecret | undefined {
  if (!record.notificationEncrypted) return undefined;
  try {
    const parsed = JSON.parse(ctx.kek.decrypt(record.notificationEncrypted)) as Partial<NotificationSecret>;
    return typeof parsed.authReqId === 'string' && typeof parsed.token === 'string' ? { authReqId: parsed.authReqId, token: parsed.token } : undefined;
  } catch {
    return undefined;
  }
}

/** CONTRACT.md §4: tells the operator's webhook whom to ask, and where they approve. None without a webhook. */
export function userNotification(ctx: Ctx, input: { record: CibaRequestRecord; client: ClientRecord; user: UserRecord; approvalSecret: string }): OutboxInsert[] {
  const webhook = ctx.config.ciba.notificationWebhook;
  if (!webhook) return [];
  const { record, client } = input;
  const body = {
    auth_req_id_hash: record.hash,
    sub: input.user.id,
    client_id: client.clientId,
    client_name: client.metadata.client_name ?? client.clientId,
    binding_message: record.bindingMessage,
    scope: record.scope,
    approval_uri: `${ctx.tenant.issuer}${CIBA_APPROVAL_PATH}?ticket=${encodeURIComponent(input.approvalSecret)}`,
    expires_at: record.expiresAt,
    // Beyond CONTRACT.md §4: which tenant asks, for webhooks shared by several tenants.
    iss: ctx.tenant.issuer,
  };
  // The approval ticket is stored hashed on the request; the outbox keeps it sealed.
  return [outboxRow(ctx, sealRequest(ctx.kek, { clientId: CIBA_WEBHOOK_CLIENT, kind: CIBA_USER_NOTIFICATION_KIND, targetUrl: webhook, headers: JSON_HEADERS, body: JSON.stringify(body) }))];
}

function clientNotification(ctx: Ctx, client: ClientRecord, secret: NotificationSecret, kind: string, body: Record<string, unknown>): OutboxInsert[] {
  const target = client.metadata.backchannel_client_notification_endpoint;
  if (!target) return [];
  return [
    // Sealed: the bearer token, the auth_req_id and pushed tokens never sit in the database in clear.
    outboxRow(ctx, sealRequest(ctx.kek, {
      clientId: client.clientId,
      kind,
      targetUrl: target,
      // CIBA §10.2 / §10.3: the client_notification_token authenticates the server to the client.
      headers: { ...JSON_HEADERS, authorization: `Bearer ${secret.token}` },
      body: JSON.stringify({ auth_req_id: secret.authReqId, ...body }),
    })),
  ];
}

/** CIBA §10.2: ping — the request is decided; the client fetches the result at the token endpoint. */
export function pingNotification(ctx: Ctx, client: ClientRecord, secret: NotificationSecret): OutboxInsert[] {
  return clientNotification(ctx, client, secret, CIBA_PING_KIND, {});
}

/** CIBA §10.3.1 (tokens) and §12 (errors): push — the result itself goes to the client. */
export function pushNotification(ctx: Ctx, client: ClientRecord, secret: NotificationSecret, body: Record<string, unknown>): OutboxInsert[] {
  return clientNotification(ctx, client, secret, CIBA_PUSH_KIND, body);
}
