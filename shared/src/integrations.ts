/**
 * Integrations (issue 13): webhooks an admin registers for conversation events, and API tokens a
 * CRM or an order system uses on the REST API (`/api/v1`). The server signs, queues and retries
 * deliveries (`server/src/integrations/`); the console lists them.
 */
import type { Attachment, ConversationRating, ConversationStatus, HandoffReason, MessageAuthor, MessageKind, VisitorContext } from './model.js';
import type { Locale } from './locale.js';

/** What a webhook can be told, named `subject.past_tense` like the audit log's actions. */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'message.created',
  'conversation.handed_off',
  'conversation.assigned',
  'conversation.closed',
  'conversation.rated',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** `ping` is the console's "send test event": sent to one hook, whatever it listens to. */
export type WebhookDeliveryType = WebhookEventType | 'ping';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the hook's secret>`; receivers
 * recompute it and refuse a `t` older than 5 minutes (a replay).
 */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Support-Chat-Signature';

export interface Webhook {
  id: string;
  /** http(s) only; internal addresses are refused unless the server allows them (README). */
  url: string;
  events: WebhookEventType[];
  description: string;
  /** A paused hook gets no new deliveries. */
  active: boolean;
  createdAt: number;
}

/** `POST /api/admin/webhooks` answers the signing secret this once; the server never shows it again. */
export interface WebhookCreated {
  webhook: Webhook;
  secret: string;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event on its way to one hook: sent until the receiver answers 2xx or the attempts run out. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: WebhookDeliveryType;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When it is sent next (pending only). */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  /** The receiver's HTTP status at the last attempt (null: no answer). */
  lastStatusCode: number | null;
  /** Why the last attempt failed: `HTTP 500`, `timeout after 10 s`, `connect ECONNREFUSED…`. */
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** The JSON body of every delivery. */
export interface WebhookPayload {
  /** The same on every retry: receivers dedupe on it. */
  id: string;
  type: WebhookDeliveryType;
  createdAt: number;
  data: {
    conversation?: ApiConversation;
    message?: ApiMessage;
    /** `conversation.handed_off`: why it went to people. */
    reason?: HandoffReason;
    /** `conversation.assigned`: who has it now. */
    agent?: { id: string | null; name: string };
    /** `ping`: the hook it tests. */
    webhook?: { id: string };
  };
}

export const API_TOKEN_SCOPES = ['read', 'write'] as const;

/** `read`: GET routes. `write`: also posting messages. */
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export interface ApiToken {
  id: string;
  name: string;
  scope: ApiTokenScope;
  /** The token's first characters, to tell tokens apart (`sct_AbC1…`). */
  prefix: string;
  createdAt: number;
  createdBy: { id: string; name: string };
  /** Updated at most once a minute. */
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** `POST /api/admin/api-tokens` answers the token itself this once; the server keeps only its hash. */
export interface ApiTokenCreated {
  token: ApiToken;
  secret: string;
}

/** A conversation as the REST API and webhooks show it. */
export interface ApiConversation {
  id: string;
  visitorId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  locale: Locale;
  context: VisitorContext;
  lastSeq: number;
  createdAt: number;
  /** Last activity, to the second: a message moves it only once it is a second newer. */
  updatedAt: number;
  queuedAt: number | null;
  closedAt: number | null;
  handoffReason: HandoffReason | null;
  rating: ConversationRating | null;
  /** Normalised, sorted (issue 13). */
  labels: string[];
}

/** A message the visitor can see (notes and the AI's provenance stay inside the team). */
export interface ApiMessage {
  id: string;
  conversationId: string;
  seq: number;
  author: MessageAuthor;
  kind: Exclude<MessageKind, 'note'>;
  authorName?: string;
  text: string;
  /** A file sent with the message (its name is the text): the bytes at `GET /api/v1/conversations/{conversationId}/attachments/{id}`. */
  attachment?: Attachment;
  /**
   * Set when an integration posted it (`POST /api/v1/conversations/{id}/messages`): the id of the
   * token it used, so an integration that hears `message.created` can tell its own messages.
   */
  apiTokenId?: string;
  createdAt: number;
}
