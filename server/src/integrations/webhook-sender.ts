/**
 * One POST of one delivery (issue 13). node:http rather than fetch: its `lookup` option lets the
 * connection itself refuse internal addresses (webhook-target.ts). Redirects are not followed
 * (a 3xx is a failure, like any non-2xx): a redirect could point anywhere.
 */
import http from 'node:http';
import https from 'node:https';
import { WEBHOOK_SIGNATURE_HEADER } from '@support-chat/shared';
import type { WebhookDeliveryRecord, WebhookRecord } from '../store/integration-types.js';
import { checkWebhookUrl, guardedLookup } from './webhook-target.js';
import { signWebhook } from './webhook-signature.js';

export interface SendResult {
  ok: boolean;
  /** The receiver's status (null: it never answered). */
  statusCode: number | null;
  /** Why it failed, for the console. */
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  allowInternal: boolean;
  /** Seconds since the epoch, for the signature's `t`. */
  now: () => number;
}

export function sendWebhook(hook: WebhookRecord, delivery: WebhookDeliveryRecord, { timeoutMs, allowInternal, now }: SendOptions): Promise<SendResult> {
  let url: URL;
  try {
    url = checkWebhookUrl(hook.url, { allowInternal });
  } catch (error) {
    return Promise.resolve({ ok: false, statusCode: null, error: (error as Error).message });
  }
  const body = Buffer.from(delivery.body);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(url, {
      method: 'POST',
      lookup: guardedLookup(allowInternal) as unknown as http.RequestOptions['lookup'],
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        'user-agent': 'support-chat-webhooks/1',
        'x-support-chat-event': delivery.eventType,
        'x-support-chat-delivery': delivery.id,
        [WEBHOOK_SIGNATURE_HEADER.toLowerCase()]: signWebhook(hook.secret, delivery.body, Math.floor(now() / 1000)),
      },
    });
    // The whole exchange (connect, send, the receiver's answer) within the timeout.
    const timer = setTimeout(() => {
      settle({ ok: false, statusCode: null, error: `timeout after ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}` });
      request.destroy();
    }, timeoutMs);
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      response.resume();
      const ok = statusCode >= 200 && statusCode < 300;
      settle({ ok, statusCode, error: ok ? null : `HTTP ${statusCode}` });
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, statusCode: null, error: error.message || error.code || 'connection failed' }));
    request.end(body);
  });
}
