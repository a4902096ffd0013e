/** Integration rows (issue 13) as the stores keep them (SQLite's shapes; PostgreSQL's map onto them), and back. */
import type { ApiToken, WebhookDeliveryStatus, WebhookDeliveryType, WebhookEventType } from '@support-chat/shared';
import type { ApiTokenRecord, WebhookDeliveryRecord, WebhookRecord } from './integration-types.js';

export const INTEGRATIONS_MIGRATION = `
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    UNIQUE (webhook_id, event_id)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, created_at, id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by_id TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );`;

export interface WebhookRow {
  id: string;
  url: string;
  events: string;
  description: string;
  secret: string;
  active: number;
  created_at: number;
  created_by: string;
}

export function toWebhook(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    secret: row.secret,
    active: row.active === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: WebhookDeliveryType;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/**
 * How far a paused hook's pending deliveries are moved ahead (ms): past any real time, so the
 * due index, read from the earliest, never walks them on each poll (a paused hook, often paused
 * because it failed, may hold 18 hours of retries: a review), and moved back by the same amount
 * when it is resumed, so each keeps its place. Shown as its own time.
 */
export const HELD_MS = 1e15;

/** Moves a hook's pending deliveries (test pings aside) ahead while it is paused, back when it is resumed; idempotent. */
export function holdDeliveriesSql(placeholder: (n: number) => string): { hold: string; release: string } {
  const where = `webhook_id = ${placeholder(1)} AND status = 'pending' AND event_type <> 'ping'`;
  return {
    hold: `UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at + ${HELD_MS} WHERE ${where} AND next_attempt_at < ${HELD_MS}`,
    release: `UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at - ${HELD_MS} WHERE ${where} AND next_attempt_at >= ${HELD_MS}`,
  };
}

export function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at !== null && row.next_attempt_at >= HELD_MS ? row.next_attempt_at - HELD_MS : row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** The delivery without its body (the console's list). */
export function withoutBody({ body: _body, ...delivery }: WebhookDeliveryRecord) {
  return delivery;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  scope: ApiToken['scope'];
  token_hash: string;
  prefix: string;
  created_at: number;
  created_by_id: string;
  created_by_name: string;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function toApiToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    createdAt: row.created_at,
    createdBy: { id: row.created_by_id, name: row.created_by_name },
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The token without its hash (what the API shows). */
export function publicToken({ tokenHash: _hash, ...token }: ApiTokenRecord): ApiToken {
  return token;
}
