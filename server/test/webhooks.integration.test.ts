/**
 * Webhooks end to end (issue 13): an admin registers a hook, chat events reach a receiver on
 * 127.0.0.1 signed, failures are retried with backoff up to the bound, the console lists each
 * delivery, and internal targets are refused unless allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookCreated, WebhookDelivery, Webhook } from '@support-chat/shared';
import type { Responder } from '../src/ai/types.js';
import { verifyWebhookSignature } from '../src/integrations/webhook-signature.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { connected, data, startTestServer, type TestServer } from './harness.js';
import { eventually, startReceiver, type Receiver } from './webhook-receiver.js';

async function call<T>(t: TestServer, cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: { ok: boolean; data: T; error?: { code: string; message: string } } }> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}

describe('webhooks', () => {
  let t: TestServer;
  let admin: string;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startTestServer({ webhooks: { allowInternal: true, maxAttempts: 3, retryBaseMs: 100, timeoutMs: 400 }, webhookPollMs: 50, webhookCatchUp: { everyMs: 100, settleMs: 300 } });
    admin = await t.loginAgent('Boss', 'admin');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const createHook = async (events: string[], url = receiver.url) => {
    const { status, json } = await call<WebhookCreated>(t, admin, 'POST', '/api/admin/webhooks', { url, events, description: 'CRM' });
    expect(status, JSON.stringify(json)).toBe(201);
    return json.data;
  };
  const deliveries = async (hookId: string) => (await call<{ deliveries: WebhookDelivery[] }>(t, admin, 'GET', `/api/admin/webhooks/${hookId}/deliveries`)).json.data.deliveries;
  const chat = async (text: string) => {
    const visitor = t.visitor();
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const { conversation } = data(await visitor.emitWithAck('message:send', { clientId: `c-${Math.random().toString(36).slice(2)}`, text }));
    return { visitor, conversationId: conversation.id };
  };

  it('signs each event with the hook’s secret, shown once, and lists it delivered', async () => {
    receiver.answer(200);
    const { webhook, secret } = await createHook(['conversation.created', 'message.created']);
    expect(secret).toMatch(/^whsec_/);
    const listed = (await call<{ webhooks: Webhook[] }>(t, admin, 'GET', '/api/admin/webhooks')).json.data.webhooks;
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.find((h) => h.id === webhook.id)).toMatchObject({ url: receiver.url, events: ['conversation.created', 'message.created'], active: true });

    const before = receiver.received.length;
    const { conversationId } = await chat('How do I return an item?');
    // conversation.created, the visitor's message, the AI's answer.
    const got = (await receiver.waitFor((r) => r.length >= before + 3)).slice(before);
    const types = got.map((r) => r.payload.type);
    expect(types).toContain('conversation.created');
    expect(types.filter((type) => type === 'message.created')).toHaveLength(2);
    for (const hook of got) {
      const header = hook.headers['x-support-chat-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(secret, hook.raw, header)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', hook.raw, header)).toBe(false);
      expect(verifyWebhookSignature(secret, hook.raw.replace('}', ' }'), header)).toBe(false);
      // A replay after 5 minutes is refused by the receiver's check.
      expect(verifyWebhookSignature(secret, hook.raw, header, Math.floor(Date.now() / 1000) + 301)).toBe(false);
      expect(hook.headers['x-support-chat-event']).toBe(hook.payload.type);
      expect(hook.payload.data.conversation?.id).toBe(conversationId);
    }
    const visitorMessage = got.find((r) => r.payload.data.message?.author === 'visitor')!;
    expect(visitorMessage.payload.data.message).toMatchObject({ text: 'How do I return an item?', kind: 'text', seq: 1 });
    const listedDeliveries = await eventually(() => deliveries(webhook.id), (list) => list.length === 3 && list.every((d) => d.status === 'delivered'));
    expect(listedDeliveries[0]).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
  });

  it('retries after 500s with growing waits, then delivers the same event', async () => {
    const { webhook } = await createHook(['conversation.closed']);
    receiver.answer(500, 500, 200);
    const before = receiver.received.length;
    const { conversationId } = await chat('bye');
    const agent = await t.loginAgent('Ann', 'agent');
    const socket = t.agent(agent);
    await connected(socket);
    data(await socket.emitWithAck('conversation:claim', { conversationId }));
    data(await socket.emitWithAck('conversation:close', { conversationId }));
    const got = (await receiver.waitFor((r) => r.slice(before).filter((h) => h.payload.type === 'conversation.closed').length >= 3)).slice(before).filter((h) => h.payload.type === 'conversation.closed');
    expect(new Set(got.map((h) => h.payload.id)).size).toBe(1);
    const gaps = [got[1]!.at - got[0]!.at, got[2]!.at - got[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(300);
    const [delivery] = await eventually(() => deliveries(webhook.id), (list) => list[0]?.status === 'delivered');
    expect(delivery).toMatchObject({ eventType: 'conversation.closed', attempts: 3, lastStatusCode: 200, status: 'delivered' });
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
  });

  it('gives up after the bound (non-2xx, timeout, refused connection), and "retry now" sends it again', async () => {
    receiver.answer(503);
    const { webhook } = await createHook(['message.created']);
    await chat('anyone there?');
    const failed = await eventually(() => deliveries(webhook.id), (list) => list.length >= 1 && list.every((d) => d.status === 'failed'), 15_000);
    expect(failed[0]).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null });

    receiver.answer(200);
    const first = failed.at(-1)!;
    const retried = await call<{ delivery: WebhookDelivery }>(t, admin, 'POST', `/api/admin/webhook-deliveries/${first.id}/retry`);
    expect(retried.json.data.delivery).toMatchObject({ status: 'pending' });
    await eventually(() => deliveries(webhook.id), (list) => list.find((d) => d.id === first.id)?.status === 'delivered');

    // 410 Gone: failed at once, not retried.
    receiver.answer(410);
    const goneAway = await call<{ delivery: WebhookDelivery }>(t, admin, 'POST', `/api/admin/webhooks/${webhook.id}/test`);
    const said = await eventually(() => deliveries(webhook.id), (list) => list.find((d) => d.id === goneAway.json.data.delivery.id)!.status === 'failed');
    expect(said.find((d) => d.id === goneAway.json.data.delivery.id)).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410 (gone: not retried)' });

    // A receiver that never answers: the attempt times out.
    receiver.answer('hang');
    const ping = await call<{ delivery: WebhookDelivery }>(t, admin, 'POST', `/api/admin/webhooks/${webhook.id}/test`);
    expect(ping.status).toBe(201);
    const timedOut = await eventually(() => deliveries(webhook.id), (list) => list.find((d) => d.id === ping.json.data.delivery.id)!.attempts >= 1);
    expect(timedOut.find((d) => d.id === ping.json.data.delivery.id)).toMatchObject({ lastError: 'timeout after 400 ms', lastStatusCode: null });
    receiver.answer(200);

    // Nobody listening on the port: connection refused.
    const closed = await startReceiver();
    await closed.close();
    const refused = await createHook(['message.created'], closed.url);
    const ping2 = await call<{ delivery: WebhookDelivery }>(t, admin, 'POST', `/api/admin/webhooks/${refused.webhook.id}/test`);
    const gone = await eventually(() => deliveries(refused.webhook.id), (list) => list.find((d) => d.id === ping2.json.data.delivery.id)!.status === 'failed', 15_000);
    expect(gone.find((d) => d.id === ping2.json.data.delivery.id)!.lastError).toContain('ECONNREFUSED');
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${refused.webhook.id}`);
  });

  it('sends a test event to a paused hook, and a paused hook gets no chat events', async () => {
    receiver.answer(200);
    const { webhook } = await createHook(['message.created']);
    const paused = await call<{ webhook: Webhook }>(t, admin, 'PATCH', `/api/admin/webhooks/${webhook.id}`, { active: false });
    expect(paused.json.data.webhook.active).toBe(false);
    await chat('not for the paused hook');
    const ping = await call<{ delivery: WebhookDelivery }>(t, admin, 'POST', `/api/admin/webhooks/${webhook.id}/test`);
    const got = await receiver.waitFor((r) => r.some((h) => h.payload.id === ping.json.data.delivery.eventId));
    expect(got.find((h) => h.payload.id === ping.json.data.delivery.eventId)!.payload).toMatchObject({ type: 'ping', data: { webhook: { id: webhook.id } } });
    expect((await deliveries(webhook.id)).map((d) => d.eventType)).toEqual(['ping']);
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
  });

  it('holds the retries of a hook paused after a failure, and sends them once it is resumed', async () => {
    // The first attempt hangs until it times out (400 ms): the hook is paused meanwhile, so the
    // retry due 100 ms after that failure can never come before the pause.
    receiver.answer('hang');
    const { webhook } = await createHook(['message.created']);
    const before = receiver.received.length;
    await chat('retry me later');
    await receiver.waitFor((r) => r.length > before);
    await call(t, admin, 'PATCH', `/api/admin/webhooks/${webhook.id}`, { active: false });
    const [failedOnce] = await eventually(() => deliveries(webhook.id), (list) => list[0]?.attempts === 1);
    // Its retries were due 100 and 300 ms later: paused, none is attempted (nor given up).
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await deliveries(webhook.id))[0]).toMatchObject({ id: failedOnce!.id, status: 'pending', attempts: 1 });
    receiver.answer(200);
    await call(t, admin, 'PATCH', `/api/admin/webhooks/${webhook.id}`, { active: true });
    const [sent] = await eventually(() => deliveries(webhook.id), (list) => list[0]?.status === 'delivered');
    expect(sent).toMatchObject({ id: failedOnce!.id, attempts: 2, lastStatusCode: 200 });
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
  });

  it('queues the events a process stored and never queued (killed in between), once, with the ids the live path gives them', async () => {
    receiver.answer(200);
    const { webhook } = await createHook(['message.created', 'conversation.closed', 'conversation.handed_off', 'conversation.rated']);
    const before = receiver.received.length;
    // Sent as usual: queued at once by the listener; the hand-off's event has its line's id.
    const { visitor, conversationId } = await chat('heard live');
    data(await visitor.emitWithAck('handoff:request', {}));
    // Stored without the bus hearing it, as when the process that stored it died before queueing:
    // a close's line, and a hand-off's (a line with its reason).
    const unheard = await t.store.appendMessage(conversationId, { senderId: 'system', author: 'system', kind: 'event', text: 'closed', event: { type: 'closed', by: 'agent' } }, Date.now());
    const other = await chat('another visitor');
    const unheardHandoff = await t.store.appendMessage(
      other.conversationId,
      { senderId: 'system', author: 'system', kind: 'event', text: 'waiting', event: { type: 'queued', reason: 'ai_unanswered' } },
      Date.now(),
    );
    // A rating has no row: its event's id is made of the conversation's and when it was given.
    // One given live (the listener queues it), one stored unheard.
    await t.store.transitionConversation(conversationId, ['bot', 'queued', 'assigned'], { status: 'closed', closedAt: Date.now() });
    data(await visitor.emitWithAck('conversation:rate', { conversationId, score: 5 }));
    const liveRating = (await t.store.getConversation(conversationId))!.rating!;
    const ratedAt = Date.now();
    await t.store.transitionConversation(other.conversationId, ['bot', 'queued'], { status: 'closed', closedAt: ratedAt, rating: { score: 2, ratedAt } });
    const ratedIds = [`${conversationId}:rated:${liveRating.ratedAt}`, `${other.conversationId}:rated:${ratedAt}`];
    const got = await receiver.waitFor((r) =>
      [unheard.message.id, unheardHandoff.message.id, ...ratedIds].every((id) => r.slice(before).some((h) => h.payload.id === id)),
    );
    expect(got.find((h) => h.payload.id === ratedIds[1])!.payload).toMatchObject({
      type: 'conversation.rated',
      createdAt: ratedAt,
      data: { conversation: { id: other.conversationId, rating: { score: 2 } } },
    });
    const late = got.find((h) => h.payload.id === unheard.message.id)!.payload;
    expect(late).toMatchObject({ type: 'conversation.closed', createdAt: unheard.message.createdAt, data: { conversation: { id: conversationId } } });
    expect(got.find((h) => h.payload.id === unheardHandoff.message.id)!.payload).toMatchObject({
      type: 'conversation.handed_off',
      data: { conversation: { id: other.conversationId }, reason: 'ai_unanswered' },
    });
    // Several passes later, each event was queued once: the live ones' ids are their rows', so the catch-up found them there.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const rows = [...(await t.store.listMessages(conversationId, { afterSeq: 0 })), ...(await t.store.listMessages(other.conversationId, { afterSeq: 0 }))];
    const sent = rows.filter((m) => m.kind === 'text' || (m.event?.type === 'queued' && m.event.reason));
    expect(sent.filter((m) => m.event?.type === 'queued').map((m) => m.event)).toEqual([
      { type: 'queued', reason: 'visitor_request' },
      { type: 'queued', reason: 'ai_unanswered' },
    ]);
    const list = await deliveries(webhook.id);
    expect(list.map((d) => d.eventId).sort()).toEqual([...sent.map((m) => m.id), unheard.message.id, ...ratedIds].sort());
    for (const id of [unheard.message.id, unheardHandoff.message.id, ...ratedIds]) expect(receiver.received.slice(before).filter((h) => h.payload.id === id)).toHaveLength(1);
    other.visitor.disconnect();
    visitor.disconnect();
    await call(t, admin, 'DELETE', `/api/admin/webhooks/${webhook.id}`);
  });

  it('is for admins only, and refuses bad input with clear codes', async () => {
    const agent = await t.loginAgent('Bob', 'agent');
    expect((await call(t, agent, 'GET', '/api/admin/webhooks')).status).toBe(403);
    const bad = await call(t, admin, 'POST', '/api/admin/webhooks', { url: 'ftp://example.com/x', events: ['message.created'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('invalid_payload');
    expect((await call(t, admin, 'POST', '/api/admin/webhooks', { url: 'https://example.com', events: [] })).json.error?.message).toContain('choose at least one event');
    expect((await call(t, admin, 'POST', '/api/admin/webhooks', { url: 'https://example.com', events: ['order.paid'] })).status).toBe(400);
    expect((await call(t, admin, 'POST', '/api/admin/webhook-deliveries/nope/retry')).status).toBe(404);
    expect((await call(t, admin, 'PATCH', '/api/admin/webhooks/nope', { active: true })).status).toBe(404);
  });
});

describe('webhook targets without WEBHOOK_ALLOW_INTERNAL', () => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await startTestServer({ webhooks: { allowInternal: false } });
    admin = await t.loginAgent('Boss', 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses loopback, private, link-local and single-label targets, and takes public ones', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://app.localhost/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://172.20.0.5/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
      'http://redis:6379/',
      'http://db.internal/hook',
      'https://user:pass@example.com/hook',
    ]) {
      const { status, json } = await call(t, admin, 'POST', '/api/admin/webhooks', { url, events: ['message.created'] });
      expect(status, url).toBe(400);
      expect(json.error?.code, url).toBe('invalid_payload');
    }
    const refused = await call(t, admin, 'POST', '/api/admin/webhooks', { url: 'http://127.0.0.1/x', events: ['message.created'] });
    expect(refused.json.error?.message).toContain('WEBHOOK_ALLOW_INTERNAL');
    const ok = await call<WebhookCreated>(t, admin, 'POST', '/api/admin/webhooks', { url: 'https://hooks.example.com/support', events: ['message.created'] });
    expect(ok.status).toBe(201);
    const moved = await call(t, admin, 'PATCH', `/api/admin/webhooks/${ok.json.data.webhook.id}`, { url: 'http://127.0.0.1/x' });
    expect(moved.status).toBe(400);
  });
});

describe('webhooks at shutdown', () => {
  it('queues the events of messages stored while the server drains, before the store closes', async () => {
    // An answer still being written when the server is told to stop: it lands during the drain.
    let finish = () => {};
    const responder: Responder = {
      name: 'offline',
      answer: () =>
        new Promise((resolve) => {
          finish = () => resolve({ text: 'Start a return from your orders page.', sources: [], provenance: { responder: 'offline', passageIds: [], scores: [], answered: true, latencyMs: 1 } });
        }),
    };
    const store = SqliteStore.open(':memory:');
    const t = await startTestServer({ responder, store, webhooks: { allowInternal: true }, webhookPollMs: 50 });
    const receiver = await startReceiver();
    try {
      const admin = await t.loginAgent('Boss', 'admin');
      const { status, json } = await call<WebhookCreated>(t, admin, 'POST', '/api/admin/webhooks', { url: receiver.url, events: ['message.created'], description: 'CRM' });
      expect(status).toBe(201);
      const hookId = json.data.webhook.id;
      const visitor = t.visitor();
      await connected(visitor);
      data(await visitor.emitWithAck('message:send', { clientId: 'drain-00001', text: 'How do I return an item?' }));
      await receiver.waitFor((r) => r.length === 1);

      const closing = t.server.close({ drainMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      finish();
      await closing;
      // The answer's event is queued (it is sent after the restart): it was lost when the
      // listener stopped before the drain (an integrator's probe).
      const queued = await store.listWebhookDeliveries({ webhookId: hookId, limit: 10 });
      expect(queued.map((d) => [d.eventType, d.status])).toEqual([
        ['message.created', 'pending'],
        ['message.created', 'delivered'],
      ]);
      const [conversation] = await store.listConversations({});
      expect((await store.listMessages(conversation!.id, {})).at(-1)).toMatchObject({ author: 'ai', text: 'Start a return from your orders page.' });
    } finally {
      await receiver.close();
      await store.close();
    }
  });
});

describe('a slow webhook receiver', () => {
  it('does not hold up the other hooks: their events go out while its attempt waits', async () => {
    const t = await startTestServer({ webhooks: { allowInternal: true, timeoutMs: 5000 }, webhookPollMs: 50 });
    const [slow, fast] = await Promise.all([startReceiver(), startReceiver()]);
    try {
      slow.answer('hang');
      const admin = await t.loginAgent('Boss', 'admin');
      const create = async (url: string, events: string[]) =>
        (await call<WebhookCreated>(t, admin, 'POST', '/api/admin/webhooks', { url, events, description: 'CRM' })).json.data.webhook.id;
      const slowHook = await create(slow.url, ['conversation.created', 'message.created']);
      await create(fast.url, ['message.created']);
      const visitor = t.visitor();
      await connected(visitor);
      // conversation.created goes to the slow hook alone and hangs there; the messages come next.
      data(await visitor.emitWithAck('message:send', { clientId: 'slow-00001', text: 'How do I return an item?' }));
      await slow.waitFor((r) => r.length >= 1);
      const got = await fast.waitFor((r) => r.length >= 2);
      expect(got.map((r) => r.payload.data.message?.author)).toEqual(['visitor', 'ai']);
      // Delivered while the slow hook's first attempt is still waiting for its answer: a look for
      // due deliveries waited for the whole batch, and so for the slowest receiver in it.
      const slowDeliveries = (await call<{ deliveries: WebhookDelivery[] }>(t, admin, 'GET', `/api/admin/webhooks/${slowHook}/deliveries`)).json.data.deliveries;
      expect(slowDeliveries.find((d) => d.eventType === 'conversation.created')).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await t.close();
      await Promise.all([slow.close(), fast.close()]);
    }
  });
});
