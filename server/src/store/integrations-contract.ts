/**
 * What every Store keeps for integrations (issue 13): webhooks, their delivery queue and API
 * tokens. Both store test files run it beside the Store contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookEventType } from '@support-chat/shared';
import type { ApiTokenRecord, WebhookEventRecord, WebhookRecord } from './integration-types.js';
import type { Store } from './types.js';
import { conversationFixture } from './store-contract.js';

function hook(id: string, events: WebhookEventType[], overrides: Partial<WebhookRecord> = {}): WebhookRecord {
  return { id, url: `https://hooks.example/${id}`, events, description: '', secret: `whsec-${id}`, active: true, createdAt: 100, createdBy: 'admin-1', ...overrides };
}

function event(id: string, type: WebhookEventRecord['type'], at = 1000): WebhookEventRecord {
  return { id, type, at, body: JSON.stringify({ id, type, createdAt: at, data: { text: '你好 "quoted"' } }) };
}

function token(id: string, overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id,
    name: `CRM ${id}`,
    scope: 'read',
    prefix: `sct_${id}`,
    tokenHash: `hash-${id}`,
    createdAt: 100,
    createdBy: { id: 'admin-1', name: 'Boss' },
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function describeIntegrationsContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} (integrations contract)`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps webhooks: create, list oldest first, update, delete with their deliveries', async () => {
      await store.createWebhook(hook('h1', ['message.created'], { createdAt: 100 }));
      await store.createWebhook(hook('h2', ['conversation.closed', 'conversation.rated'], { createdAt: 200, description: 'CRM 客户' }));
      expect((await store.listWebhooks()).map((h) => h.id)).toEqual(['h1', 'h2']);
      expect(await store.getWebhook('h2')).toEqual(hook('h2', ['conversation.closed', 'conversation.rated'], { createdAt: 200, description: 'CRM 客户' }));
      expect(await store.updateWebhook('h1', { active: false, events: ['conversation.created'] })).toMatchObject({ id: 'h1', active: false, events: ['conversation.created'], url: 'https://hooks.example/h1' });
      expect(await store.updateWebhook('h1', { url: 'https://other.example/x' })).toMatchObject({ active: false, url: 'https://other.example/x' });
      expect(await store.updateWebhook('nope', { active: true })).toBeNull();
      await store.enqueueWebhookEvent(event('e1', 'ping'), { webhookId: 'h2' });
      expect(await store.deleteWebhook('h2')).toBe(true);
      expect(await store.deleteWebhook('h2')).toBe(false);
      expect(await store.listWebhookDeliveries({ webhookId: 'h2', limit: 10 })).toEqual([]);
      expect(await store.dueWebhookDeliveries(10_000, 10)).toEqual([]);
      expect((await store.listWebhooks()).map((h) => h.id)).toEqual(['h1']);
    });

    it('queues an event once for each active hook that listens to it, and a ping for one hook', async () => {
      await store.createWebhook(hook('a', ['message.created', 'conversation.closed']));
      await store.createWebhook(hook('b', ['conversation.closed']));
      await store.createWebhook(hook('paused', ['conversation.closed'], { active: false }));
      expect(await store.enqueueWebhookEvent(event('e1', 'conversation.closed', 1000))).toBe(2);
      expect(await store.enqueueWebhookEvent(event('e1', 'conversation.closed', 1000))).toBe(0);
      expect(await store.enqueueWebhookEvent(event('e2', 'message.created', 1001))).toBe(1);
      expect(await store.enqueueWebhookEvent(event('e3', 'conversation.rated', 1002))).toBe(0);
      expect(await store.enqueueWebhookEvent(event('p1', 'ping', 1003), { webhookId: 'paused' })).toBe(1);
      expect(await store.enqueueWebhookEvent(event('p2', 'ping', 1003), { webhookId: 'unknown' })).toBe(0);

      const due = await store.dueWebhookDeliveries(1001, 10);
      expect(due.map((d) => [d.webhookId, d.eventId]).sort()).toEqual([['a', 'e1'], ['a', 'e2'], ['b', 'e1']]);
      const first = due.find((d) => d.webhookId === 'b')!;
      expect(first).toMatchObject({ eventType: 'conversation.closed', status: 'pending', attempts: 0, nextAttemptAt: 1000, createdAt: 1000, lastStatusCode: null, lastError: null, deliveredAt: null });
      expect(first.body).toBe(event('e1', 'conversation.closed').body);
      expect(await store.getWebhookDelivery(first.id)).toEqual(first);
      expect(await store.dueWebhookDeliveries(999, 10)).toEqual([]);
      expect(await store.dueWebhookDeliveries(5000, 1)).toHaveLength(1);
      // Those of hooks busy elsewhere left out (the dispatcher's per-hook bound).
      expect((await store.dueWebhookDeliveries(1001, 10, ['a'])).map((d) => [d.webhookId, d.eventId])).toEqual([['b', 'e1']]);
      expect((await store.dueWebhookDeliveries(5000, 10, ['a', 'b'])).map((d) => d.eventId)).toEqual(['p1']);
      expect((await store.listWebhookDeliveries({ webhookId: 'a', limit: 10 })).map((d) => d.eventId)).toEqual(['e2', 'e1']);
      expect((await store.listWebhookDeliveries({ webhookId: 'paused', limit: 10 }))[0]).not.toHaveProperty('body');
    });

    it("holds a paused hook's queued deliveries, but its test pings, until it is resumed", async () => {
      await store.createWebhook(hook('a', ['conversation.closed']));
      await store.createWebhook(hook('b', ['conversation.closed']));
      await store.enqueueWebhookEvent(event('e1', 'conversation.closed', 1000));
      await store.updateWebhook('a', { active: false });
      await store.updateWebhook('a', { active: false, description: 'paused twice' });
      await store.enqueueWebhookEvent(event('p1', 'ping', 1001), { webhookId: 'a' });
      expect((await store.dueWebhookDeliveries(5000, 10)).map((d) => [d.webhookId, d.eventId]).sort()).toEqual([['a', 'p1'], ['b', 'e1']]);
      // Held, it shows the time it was due.
      expect((await store.listWebhookDeliveries({ webhookId: 'a', limit: 10 })).map((d) => [d.eventId, d.nextAttemptAt])).toEqual([['p1', 1001], ['e1', 1000]]);
      await store.updateWebhook('a', { active: true });
      await store.updateWebhook('a', { active: true });
      expect((await store.dueWebhookDeliveries(5000, 10)).map((d) => [d.webhookId, d.eventId]).sort()).toEqual([['a', 'e1'], ['a', 'p1'], ['b', 'e1']]);
      // Back in its place: due when it was due, not before.
      expect((await store.dueWebhookDeliveries(1000, 10)).map((d) => [d.webhookId, d.eventId]).sort()).toEqual([['a', 'e1'], ['b', 'e1']]);
    });

    it('finds the chat events a listening hook has no delivery of, in a time window, oldest first', async () => {
      // Real times: message ids carry the time they were made, and the window is read through them.
      const t0 = Date.now();
      await store.createWebhook(
        hook('all', ['conversation.created', 'message.created', 'conversation.handed_off', 'conversation.assigned', 'conversation.closed'], { createdAt: t0 - 1000 }),
      );
      await store.createWebhook(hook('late', ['message.created', 'conversation.created'], { createdAt: t0 + 5 }));
      await store.createWebhook(hook('paused', ['message.created'], { createdAt: t0 - 1000, active: false }));
      await store.createWebhook(hook('rated', ['conversation.rated'], { createdAt: t0 - 1000 }));
      await store.createVisitor({ id: 'visitor-1', createdAt: t0 });
      await store.createConversation(conversationFixture({ id: 'c1', createdAt: t0, updatedAt: t0 }));
      const append = async (at: number, draft: Parameters<Store['appendMessage']>[1]) => (await store.appendMessage('c1', draft, at)).message.id;
      const asked = await append(t0 + 10, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'where is my order?', clientId: 'q1' });
      // A hand-off's line has its reason; a requeue's (below) has none, and is no hand-off.
      const handedOff = await append(t0 + 15, { senderId: 'system', author: 'system', kind: 'event', text: 'waiting', event: { type: 'queued', reason: 'visitor_request' } });
      const joined = await append(t0 + 20, { senderId: 'system', author: 'system', kind: 'event', text: 'Ann joined', event: { type: 'assigned', agentName: 'Ann' } });
      await append(t0 + 25, { senderId: 'agent-1', author: 'agent', kind: 'note', text: 'checked the warehouse' });
      await append(t0 + 27, { senderId: 'system', author: 'system', kind: 'event', text: 'waiting', event: { type: 'queued' } });
      const closed = await append(t0 + 30, { senderId: 'system', author: 'system', kind: 'event', text: 'closed', event: { type: 'closed', by: 'agent' } });
      // A rating has no row: it is found by when it was given.
      await store.transitionConversation('c1', ['bot'], { rating: { score: 4, ratedAt: t0 + 40 } });
      // The listener queued the question for 'all' (with the message's id as the event's).
      await store.enqueueWebhookEvent(event(asked, 'message.created', t0 + 10), { webhookId: 'all' });

      const missed = await store.missedWebhookEvents(t0, t0 + 100, 10);
      expect(missed.map((m) => [m.webhookId, m.type, m.id])).toEqual([
        ['all', 'conversation.created', 'c1'],
        ['late', 'message.created', asked],
        ['all', 'conversation.handed_off', handedOff],
        ['all', 'conversation.assigned', joined],
        ['all', 'conversation.closed', closed],
        ['rated', 'conversation.rated', `c1:rated:${t0 + 40}`],
      ]);
      expect(missed[1]).toEqual({ webhookId: 'late', type: 'message.created', id: asked, conversationId: 'c1', seq: 1, createdAt: t0 + 10 });
      expect(missed[0]).toMatchObject({ conversationId: 'c1', seq: 0, createdAt: t0 });
      // The window's edges: from included, to excluded; the limit.
      expect((await store.missedWebhookEvents(t0 + 20, t0 + 30, 10)).map((m) => m.id)).toEqual([joined]);
      expect(await store.missedWebhookEvents(t0 + 40, t0 + 41, 10)).toEqual([
        { webhookId: 'rated', type: 'conversation.rated', id: `c1:rated:${t0 + 40}`, conversationId: 'c1', seq: 0, createdAt: t0 + 40 },
      ]);
      expect((await store.missedWebhookEvents(t0, t0 + 100, 2)).map((m) => m.type)).toEqual(['conversation.created', 'message.created']);
      await store.enqueueWebhookEvent(event(closed, 'conversation.closed', t0 + 30), { webhookId: 'all' });
      expect((await store.missedWebhookEvents(t0 + 20, t0 + 100, 10)).map((m) => m.id)).toEqual([joined, `c1:rated:${t0 + 40}`]);
      await store.updateWebhook('all', { active: false });
      await store.updateWebhook('rated', { active: false });
      expect(await store.missedWebhookEvents(t0 + 20, t0 + 100, 10)).toEqual([]);
    });

    it('records attempts by compare-and-set: retry, give up, deliver, and retry now', async () => {
      await store.createWebhook(hook('a', ['message.created']));
      await store.enqueueWebhookEvent(event('e1', 'message.created', 1000));
      const [delivery] = await store.dueWebhookDeliveries(1000, 10);
      const id = delivery!.id;
      const retry = { at: 1100, status: 'pending' as const, nextAttemptAt: 2000, statusCode: 500, error: 'HTTP 500' };
      expect(await store.recordWebhookAttempt(id, 0, retry)).toMatchObject({ attempts: 1, status: 'pending', nextAttemptAt: 2000, lastAttemptAt: 1100, lastStatusCode: 500, lastError: 'HTTP 500' });
      // A second process that sent it too finds it moved on.
      expect(await store.recordWebhookAttempt(id, 0, retry)).toBeNull();
      expect(await store.dueWebhookDeliveries(1999, 10)).toEqual([]);
      expect(await store.recordWebhookAttempt(id, 1, { at: 2100, status: 'failed', nextAttemptAt: null, statusCode: null, error: 'connect ECONNREFUSED' })).toMatchObject({
        attempts: 2,
        status: 'failed',
        nextAttemptAt: null,
        lastStatusCode: null,
        lastError: 'connect ECONNREFUSED',
      });
      expect(await store.dueWebhookDeliveries(10_000, 10)).toEqual([]);
      expect(await store.recordWebhookAttempt(id, 2, retry)).toBeNull();
      expect(await store.retryWebhookDelivery(id, 3000)).toMatchObject({ status: 'pending', nextAttemptAt: 3000, attempts: 2 });
      expect((await store.dueWebhookDeliveries(3000, 10)).map((d) => d.id)).toEqual([id]);
      expect(await store.recordWebhookAttempt(id, 2, { at: 3100, status: 'delivered', nextAttemptAt: null, statusCode: 204, error: null })).toMatchObject({
        status: 'delivered',
        attempts: 3,
        deliveredAt: 3100,
        lastStatusCode: 204,
        lastError: null,
      });
      expect(await store.retryWebhookDelivery('nope', 1)).toBeNull();
    });

    it('prunes finished deliveries created before a time, a batch at a time, and never a pending one', async () => {
      await store.createWebhook(hook('a', ['message.created']));
      for (const [id, at] of [['old-ok', 1000], ['old-failed', 1001], ['old-pending', 1002], ['old-ok-2', 1003], ['new-ok', 5000]] as const) {
        await store.enqueueWebhookEvent(event(id, 'message.created', at));
      }
      const byEvent = new Map((await store.dueWebhookDeliveries(10_000, 10)).map((d) => [d.eventId, d]));
      const finish = (eventId: string, status: 'delivered' | 'failed') =>
        store.recordWebhookAttempt(byEvent.get(eventId)!.id, 0, { at: 6000, status, nextAttemptAt: null, statusCode: status === 'delivered' ? 200 : 500, error: null });
      await finish('old-ok', 'delivered');
      await finish('old-failed', 'failed');
      await finish('old-ok-2', 'delivered');
      await finish('new-ok', 'delivered');
      expect(await store.pruneWebhookDeliveries(5000, 2)).toBe(2);
      expect(await store.pruneWebhookDeliveries(5000, 2)).toBe(1);
      expect(await store.pruneWebhookDeliveries(5000, 2)).toBe(0);
      expect((await store.listWebhookDeliveries({ webhookId: 'a', limit: 10 })).map((d) => d.eventId)).toEqual(['new-ok', 'old-pending']);
    });

    it('keeps API tokens by hash: newest first, last use once per resolution, revoked once', async () => {
      await store.createApiToken(token('t1', { createdAt: 100 }));
      await store.createApiToken(token('t2', { createdAt: 200, scope: 'write', name: '订单系统' }));
      const listed = await store.listApiTokens();
      expect(listed.map((t) => t.id)).toEqual(['t2', 't1']);
      expect(listed[0]).toEqual({ id: 't2', name: '订单系统', scope: 'write', prefix: 'sct_t2', createdAt: 200, createdBy: { id: 'admin-1', name: 'Boss' }, lastUsedAt: null, revokedAt: null });
      expect(await store.findApiToken('hash-t1')).toEqual(token('t1', { createdAt: 100 }));
      expect(await store.findApiToken('hash-none')).toBeNull();
      await store.touchApiToken('t1', 10_000, 60_000);
      await store.touchApiToken('t1', 30_000, 60_000);
      expect((await store.findApiToken('hash-t1'))?.lastUsedAt).toBe(10_000);
      await store.touchApiToken('t1', 70_000, 60_000);
      expect((await store.findApiToken('hash-t1'))?.lastUsedAt).toBe(70_000);
      expect(await store.revokeApiToken('t1', 80_000)).toMatchObject({ id: 't1', revokedAt: 80_000 });
      expect(await store.revokeApiToken('t1', 90_000)).toMatchObject({ revokedAt: 80_000 });
      expect(await store.revokeApiToken('none', 1)).toBeNull();
      expect((await store.findApiToken('hash-t1'))?.revokedAt).toBe(80_000);
    });
  });
}
