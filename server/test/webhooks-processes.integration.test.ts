/**
 * Webhook deliveries across processes (issue 13), on the built server: a queued delivery survives
 * a kill -9 and is sent by the next process on the same data; with two processes on PostgreSQL +
 * Redis, each delivery is sent by one of them, retries included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { WebhookCreated, WebhookDelivery } from '@support-chat/shared';
import { Cluster } from './cluster.js';
import { connected, data, type VisitorClient } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres } from './postgres.js';
import { redisUnreachable, skipWithoutRedis, TEST_REDIS_URL, testPrefixes } from './redis.js';
import { requireBuiltServer, startServerProcess } from './server-process.js';
import { eventually, startReceiver, type Receiver } from './webhook-receiver.js';

const ADMIN = { email: 'admin@hooks.example', password: 'admin-password-123' };
const HOOK_ENV = { WEBHOOK_ALLOW_INTERNAL: 'true', WEBHOOK_RETRY_BASE_MS: '200', KNOWLEDGE_WATCH: 'false', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function post<T>(url: string, cookie: string, route: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}${route}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as { ok: boolean; data: T };
  if (!json.ok) throw new Error(JSON.stringify(json));
  return json.data;
}

async function deliveries(url: string, cookie: string, hookId: string): Promise<WebhookDelivery[]> {
  const response = await fetch(`${url}/api/admin/webhooks/${hookId}/deliveries?limit=200`, { headers: { cookie } });
  return ((await response.json()) as { data: { deliveries: WebhookDelivery[] } }).data.deliveries;
}

async function say(url: string, text: string): Promise<VisitorClient> {
  const visitor: VisitorClient = io(`${url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
  await connected(visitor);
  data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
  data(await visitor.emitWithAck('message:send', { clientId: `hook-${Math.random().toString(36).slice(2)}`, text }));
  return visitor;
}

describe('a queued webhook delivery and a restart', () => {
  let dataDir: string;
  let receiver: Receiver;
  beforeAll(async () => {
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-hooks-restart-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is sent after kill -9 by the next process, the same event', async () => {
    // Long waits between retries: only the restarted process can be the one that delivers.
    const env = { ...HOOK_ENV, DATA_DIR: dataDir, WEBHOOK_RETRY_BASE_MS: '3000' };
    const first = await startServerProcess(env);
    const cookie = await login(first.url);
    const { webhook } = await post<WebhookCreated>(first.url, cookie, '/api/admin/webhooks', { url: receiver.url, events: ['conversation.created'] });
    receiver.answer(503);
    const visitor = await say(first.url, 'hello before the crash');
    await receiver.waitFor((r) => r.length === 1);
    // Once the failed attempt is recorded (a process killed before that sends it again, as it should).
    await eventually(() => deliveries(first.url, cookie, webhook.id), (list) => list[0]?.attempts === 1);
    visitor.disconnect();
    await first.kill('SIGKILL');

    receiver.answer(200);
    const second = await startServerProcess(env);
    try {
      const got = await receiver.waitFor((r) => r.length === 2, 15_000);
      expect(got[1]!.payload.id).toBe(got[0]!.payload.id);
      expect(got[1]!.payload.type).toBe('conversation.created');
      const cookie2 = await login(second.url);
      const [delivery] = await eventually(() => deliveries(second.url, cookie2, webhook.id), (list) => list[0]?.status === 'delivered');
      expect(delivery).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    } finally {
      await second.kill();
    }
  }, 60_000);
});

const [pgDown, redisDown] = await Promise.all([postgresUnreachable(), redisUnreachable()]);
const skip = skipWithoutPostgres('webhooks on two processes', pgDown) || skipWithoutRedis('webhooks on two processes', redisDown);

describe.skipIf(skip)('webhooks on two processes (PostgreSQL + Redis)', () => {
  const prefixes = testPrefixes();
  let cluster: Cluster;
  let receiver: Receiver;
  beforeAll(async () => {
    requireBuiltServer();
    receiver = await startReceiver();
    cluster = await Cluster.create({ redisUrl: TEST_REDIS_URL, redisPrefix: prefixes.prefix(), env: HOOK_ENV });
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await receiver.close();
  });

  it('sends each delivery from one process, retries included', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    const cookie = await login(a.url);
    const { webhook } = await post<WebhookCreated>(a.url, cookie, '/api/admin/webhooks', { url: receiver.url, events: ['conversation.created', 'message.created'] });
    // Every first attempt fails, so both processes find the retries due in the store.
    receiver.answerWith((hook, received) => (received.filter((r) => r.payload.id === hook.payload.id).length === 1 ? 500 : 200));
    const visitors: VisitorClient[] = [];
    // Conversations on both processes: each queues events, and each polls for due retries.
    for (let i = 0; i < 6; i++) visitors.push(await say(i % 2 ? b.url : a.url, `question ${i}`));
    // conversation.created, the visitor's message and the AI's answer, for each of the six.
    const all = await eventually(() => deliveries(a.url, cookie, webhook.id), (list) => list.length === 18 && list.every((d) => d.status === 'delivered'), 30_000);
    expect(all.every((d) => d.attempts === 2)).toBe(true);
    const perEvent = new Map<string, number>();
    for (const r of receiver.received) perEvent.set(r.payload.id, (perEvent.get(r.payload.id) ?? 0) + 1);
    expect(perEvent.size).toBe(18);
    expect([...perEvent.values()].every((count) => count === 2)).toBe(true);
    for (const visitor of visitors) visitor.disconnect();
  }, 90_000);
});
