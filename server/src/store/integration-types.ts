/**
 * What the store keeps for integrations (issue 13): webhooks, their delivery queue and API
 * tokens. Part of `Store`; every implementation passes `integrations-contract.ts`.
 */
import type { ApiToken, Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookDeliveryType } from '@support-chat/shared';

export interface WebhookRecord extends Webhook {
  /** Signs every delivery (HMAC-SHA256). Kept as is: signing needs it; the API shows it only at creation. */
  secret: string;
  /** The admin who registered it. */
  createdBy: string;
}

export type WebhookPatch = Partial<Pick<WebhookRecord, 'url' | 'events' | 'description' | 'active'>>;

/** One domain event, serialised once: every hook and every retry sends the same `body`. */
export interface WebhookEventRecord {
  id: string;
  type: WebhookDeliveryType;
  at: number;
  body: string;
}

export interface WebhookDeliveryRecord extends WebhookDelivery {
  body: string;
}

/** The outcome of one attempt, recorded with `recordWebhookAttempt`. */
export interface WebhookAttempt {
  at: number;
  /** `pending` (retry at `nextAttemptAt`), `delivered` or `failed` (no attempts left). */
  status: WebhookDeliveryStatus;
  nextAttemptAt: number | null;
  statusCode: number | null;
  error: string | null;
}

/** A chat row whose webhook event a hook should have had queued and has not (`missedWebhookEvents`). */
export interface MissedWebhookEvent {
  webhookId: string;
  type: 'message.created' | 'conversation.assigned' | 'conversation.closed' | 'conversation.handed_off' | 'conversation.created' | 'conversation.rated';
  /** The message's id (the conversation's for `conversation.created`, `ratedEventId`'s for a rating): the event's id. */
  id: string;
  conversationId: string;
  /** The message's (0 for `conversation.created`). */
  seq: number;
  createdAt: number;
}

export interface ApiTokenRecord extends ApiToken {
  /** SHA-256 of the token (hex): a leaked database does not leak working tokens. */
  tokenHash: string;
}

export interface IntegrationStore {
  createWebhook(webhook: WebhookRecord): Promise<void>;
  /** Oldest first. */
  listWebhooks(): Promise<WebhookRecord[]>;
  getWebhook(id: string): Promise<WebhookRecord | null>;
  updateWebhook(id: string, patch: WebhookPatch): Promise<WebhookRecord | null>;
  /** Deletes the hook and its deliveries; false when there was none. */
  deleteWebhook(id: string): Promise<boolean>;

  /**
   * Queues `event` for every active hook that listens to its type (with `webhookId`: for that hook
   * only, whatever it listens to), as `pending`, due at `event.at`, in one write. A hook gets an
   * event id once, however often it is queued. Returns how many deliveries were queued.
   */
  enqueueWebhookEvent(event: WebhookEventRecord, options?: { webhookId?: string }): Promise<number>;
  /**
   * The chat events of rows created in [`from`, `to`) that an active hook listening to their type
   * (created by then) has no delivery of: a text message (`message.created`), an assignment's or a
   * close's line, a new conversation. Oldest first. What the bus listener never queued, because
   * the process stopped between storing the row and queueing its event (webhook-catch-up.ts).
   */
  missedWebhookEvents(from: number, to: number, limit: number): Promise<MissedWebhookEvent[]>;
  /** Pending deliveries due at `now`, the longest due first, but those of the hooks in `skipWebhooks`. */
  dueWebhookDeliveries(now: number, limit: number, skipWebhooks?: readonly string[]): Promise<WebhookDeliveryRecord[]>;
  getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | null>;
  /** One hook's deliveries, newest first. */
  listWebhookDeliveries(query: { webhookId: string; status?: WebhookDeliveryStatus; limit: number }): Promise<WebhookDelivery[]>;
  /**
   * Records an attempt, only while the delivery is pending with `attempts` attempts made (a
   * compare-and-set: of two processes that both sent it, one records). Returns the delivery as
   * it is now, or null when it had moved on.
   */
  recordWebhookAttempt(id: string, attempts: number, attempt: WebhookAttempt): Promise<WebhookDelivery | null>;
  /** Makes a delivery pending and due at `now` (an admin's "retry now"); null when there is none. */
  retryWebhookDelivery(id: string, now: number): Promise<WebhookDelivery | null>;
  /** Deletes up to `limit` delivered or failed deliveries created before `createdBefore`, oldest first; returns how many. */
  pruneWebhookDeliveries(createdBefore: number, limit: number): Promise<number>;

  createApiToken(token: ApiTokenRecord): Promise<void>;
  /** Newest first, revoked ones included. */
  listApiTokens(): Promise<ApiToken[]>;
  findApiToken(tokenHash: string): Promise<ApiTokenRecord | null>;
  /** Sets `lastUsedAt` to `at` unless it is within `resolutionMs` of it already (one write a minute, not one per call). */
  touchApiToken(id: string, at: number, resolutionMs: number): Promise<void>;
  /** Revokes as of `at` (a token revoked already keeps its first time); null when there is none. */
  revokeApiToken(id: string, at: number): Promise<ApiToken | null>;
}
